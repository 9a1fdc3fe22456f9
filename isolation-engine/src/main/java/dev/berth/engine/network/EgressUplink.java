package dev.berth.engine.network;

import dev.berth.policy.egress.Cidr;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * The network an egress job's traffic leaves through. pasta runs on the uplink's side and opens
 * sockets there on the job's behalf; the uplink also says which of its own addresses jobs must
 * never reach and how host names resolve on it.
 */
public interface EgressUplink {

    /**
     * Starts pasta with {@code options}, attached to the user and network namespaces of process
     * {@code pid} (a process inside the job's namespaces that the service user may open).
     */
    Process startPasta(long pid, List<String> options) throws IOException;

    /** The uplink's own addresses: every job is refused them, whatever its allow-list says. */
    List<Cidr> ownAddresses() throws IOException;

    /** The addresses {@code hostName} has on this uplink now; empty when it has none. */
    List<InetAddress> resolve(String hostName);

    /** The programs this uplink runs for every job (pasta), which readiness checks are executable. */
    List<Path> programs();
}
