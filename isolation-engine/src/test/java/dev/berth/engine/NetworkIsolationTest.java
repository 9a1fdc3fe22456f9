package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Network "none": loopback only; neither the host's loopback nor its other addresses are reachable, over IPv4 or IPv6. */
class NetworkIsolationTest extends EngineTestSupport {

    @Test
    void onlyLoopbackIsUp() throws Exception {
        List<String> fresh = HostProperties.freshNetworkNamespaceInterfaces();
        Finished finished = run(plan(shell("cat /proc/net/dev; echo --; for i in /sys/class/net/*; do echo ${i##*/} $(cat $i/flags); done"), 1));

        String[] parts = finished.stdout().split("--\n");
        assertThat(HostProperties.interfaceNames(parts[0])).as("a fresh network namespace on this host has %s", fresh)
                .containsExactlyInAnyOrderElementsOf(fresh).contains("lo");
        List<String[]> flags = parts[1].lines().map(line -> line.split(" ")).toList();
        assertThat(flags).extracting(fields -> fields[0]).as("/sys/class/net in the job").containsExactlyInAnyOrderElementsOf(fresh);
        // IFF_UP is bit 0 of the flags: the fallback tunnels some kernels add to every namespace stay down.
        assertThat(flags).allSatisfy(fields -> assertThat(Integer.decode(fields[1]) & 1).as("%s up", fields[0]).isEqualTo(fields[0].equals("lo") ? 1 : 0));
    }

    @Test
    void thePlatformsPortsAreUnreachable() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            // The wildcard address listens on IPv6 and IPv4 where the host has IPv6, on IPv4 where not.
            server.bind(new InetSocketAddress(0));
            int port = server.getLocalPort();
            List<String> configured = configuredAddresses();
            List<String> addresses = new ArrayList<>(List.of("127.0.0.1"));
            configured.stream().filter(address -> !addresses.contains(address)).forEach(addresses::add);
            List<String> reachableFromTheHost = reachableFromTheHost(server, addresses);
            assertThat(reachableFromTheHost).as("the host reaches its own listener at every address it has configured")
                    .containsAll(configured);
            StringBuilder script = new StringBuilder();
            for (String address : addresses) {
                script.append("if nc -w 2 ").append(address).append(' ').append(port)
                        .append(" </dev/null; then echo reached; else echo unreachable; fi; ");
            }

            Finished finished = run(plan(shell(script.toString()), 1));

            assertThat(finished.stderr()).contains("nc: ");
            assertThat(finished.stdout().lines()).as("tried %s; the host itself reached the port at %s (%s)", addresses, reachableFromTheHost,
                    addresses.stream().anyMatch(address -> address.contains(":")) ? "the host has IPv6" : "the host has no IPv6 address")
                    .hasSize(addresses.size()).containsOnly("unreachable");
            server.setSoTimeout(200);
            try {
                server.accept().close();
                throw new AssertionError("a job connected to a port on the host");
            } catch (SocketTimeoutException expected) {
                // nobody came
            }
        }
    }

    /**
     * Every address of the host's configured interfaces; IPv6 link-local addresses are left out
     * because they name an interface (fe80::1%eth0) that no job has.
     */
    private static List<String> configuredAddresses() {
        return interfaceAddresses().stream()
                .filter(address -> !(address instanceof Inet6Address && address.isLinkLocalAddress()))
                .map(address -> address.getHostAddress().replaceFirst("%.*", "")).distinct().toList();
    }

    /** The JDK answers a host without a configured interface (loopback down, as in a bare guest) with an exception. */
    private static List<InetAddress> interfaceAddresses() {
        try {
            return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .flatMap(nic -> Collections.list(nic.getInetAddresses()).stream()).toList();
        } catch (SocketException noInterface) {
            return List.of();
        }
    }

    /**
     * The addresses at which the host itself reaches the listening port: where it does, the job's
     * "unreachable" is the namespace's doing, not an address nobody could reach.
     */
    private static List<String> reachableFromTheHost(ServerSocket server, List<String> addresses) throws IOException {
        server.setSoTimeout(2000);
        List<String> reached = new ArrayList<>();
        for (String address : addresses) {
            try (Socket fromTheHost = new Socket()) {
                fromTheHost.connect(new InetSocketAddress(address, server.getLocalPort()), 2000);
                server.accept().close();
                reached.add(address);
            } catch (IOException unreachable) {
                // 127.0.0.1 where the host's loopback is down; configured addresses are checked by the caller
            }
        }
        return reached;
    }
}
