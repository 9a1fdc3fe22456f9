package dev.berth.engine.network;

import dev.berth.policy.egress.Cidr;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The engine's own network namespace: jobs leave through the host's interfaces, as the service user. */
public final class HostUplink implements EgressUplink {

    private final String pasta;

    public HostUplink(String pasta) {
        this.pasta = pasta;
    }

    @Override
    public Process startPasta(long pid, List<String> options) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(pasta);
        command.addAll(options);
        command.addAll(List.of("--userns", "/proc/" + pid + "/ns/user", "--netns", "/proc/" + pid + "/ns/net"));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    @Override
    public List<Cidr> ownAddresses() throws IOException {
        List<Cidr> addresses = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                addresses.add(Cidr.of(address));
            }
        }
        return addresses;
    }

    @Override
    public List<InetAddress> resolve(String hostName) {
        try {
            return List.of(InetAddress.getAllByName(hostName));
        } catch (UnknownHostException e) {
            return List.of();
        }
    }

    @Override
    public List<Path> programs() {
        return List.of(Path.of(pasta));
    }
}
