package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Network "none": loopback only; neither the host's loopback nor its other addresses are reachable. */
class NetworkIsolationTest extends EngineTestSupport {

    @Test
    void onlyLoopbackExists() throws Exception {
        Finished finished = run(plan(shell("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"), 1));

        assertThat(finished.stdout().lines()).containsExactly("lo");
    }

    @Test
    void thePlatformsPortsAreUnreachable() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
            server.setSoTimeout(200);
            int port = server.getLocalPort();
            List<String> addresses = hostAddresses();
            StringBuilder script = new StringBuilder();
            for (String address : addresses) {
                script.append("if nc -w 2 ").append(address).append(' ').append(port)
                        .append(" </dev/null; then echo reached; else echo unreachable; fi; ");
            }

            Finished finished = run(plan(shell(script.toString()), 1));

            assertThat(finished.stderr()).contains("nc: ");
            assertThat(finished.stdout().lines()).hasSize(addresses.size()).containsOnly("unreachable");
            try {
                server.accept().close();
                throw new AssertionError("a job connected to a port on the host");
            } catch (SocketTimeoutException expected) {
                // nobody came
            }
        }
    }

    private static List<String> hostAddresses() throws Exception {
        List<String> addresses = new ArrayList<>(List.of("127.0.0.1"));
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                    addresses.add(address.getHostAddress());
                }
            }
        }
        return addresses;
    }
}
