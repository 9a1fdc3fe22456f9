package dev.berth.engine.testing;

import dev.berth.engine.network.EgressUplink;
import dev.berth.policy.egress.Cidr;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The uplink of egress tests: pasta starts in a lab network namespace made inside each job's user
 * namespace (the only namespaces the service user may join without privilege) instead of in the
 * engine's own, with a tap interface lab0 (203.0.113.2/24, default route via 203.0.113.1) and
 * busybox httpd servers, each answering "reached", on addresses of the lab's loopback. Every
 * target is a server the test made, in a namespace the test made.
 */
public final class EgressLab implements EgressUplink {

    /** Every server of the lab, as host:port. */
    public static final List<String> SERVERS = List.of("198.51.100.10:8080", "198.51.100.10:8081", "198.51.100.20:8080",
            "169.254.169.254:80", "127.0.0.1:8080", "203.0.113.2:8080");
    /** The lab's own address, the uplink's: refused to every job. */
    public static final String OWN_ADDRESS = "203.0.113.2";
    /** Host names as the lab resolves them. */
    public static final Map<String, String> NAMES = Map.of("allowed.lab.test", "198.51.100.10", "denied.lab.test", "198.51.100.20");
    /**
     * $0 is the hook's pid, $1 the servers' document root, the rest pasta's options. pasta drops
     * its capabilities first, so it reaches the job's network namespace through a descriptor the
     * shell opened.
     */
    private static final String SCRIPT = """
            set -e
            pid=$0; www=$1; shift
            ip link set lo up
            ip tuntap add lab0 mode tap
            ip addr add 203.0.113.2/24 dev lab0
            ip link set lab0 up
            ip route add default via 203.0.113.1 dev lab0 onlink
            for address in 198.51.100.10 198.51.100.20 169.254.169.254; do ip addr add $address/32 dev lo; done
            servers=""
            SERVERS
            exec 3</proc/$pid/ns/net
            pasta "$@" --runas 0:0 --netns /proc/self/fd/3 & servers="$servers $!"
            trap "kill $servers" TERM
            wait
            """;

    private final Path www;

    private EgressLab(Path www) {
        this.www = www;
    }

    /** A lab whose servers serve from {@code www} (created here). */
    public static EgressLab serving(Path www) throws IOException {
        Files.createDirectories(www);
        Files.writeString(www.resolve("index.html"), "reached\n");
        return new EgressLab(www);
    }

    @Override
    public Process startPasta(long pid, List<String> options) throws IOException {
        List<String> command = new ArrayList<>(List.of("nsenter", "--preserve-credentials", "--user=/proc/" + pid + "/ns/user", "--",
                "unshare", "-n", "sh", "-c", script(), Long.toString(pid), www.toString()));
        command.addAll(options);
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    @Override
    public List<Cidr> ownAddresses() {
        return List.of(Cidr.parse(OWN_ADDRESS).orElseThrow());
    }

    @Override
    public List<InetAddress> resolve(String hostName) {
        try {
            return NAMES.containsKey(hostName) ? List.of(InetAddress.getByName(NAMES.get(hostName))) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** None checked: the lab runs the test host's nsenter, unshare, ip, busybox and pasta from PATH, and a missing one fails the job with its output. */
    @Override
    public List<Path> programs() {
        return List.of();
    }

    private static String script() {
        StringBuilder servers = new StringBuilder();
        for (String server : SERVERS) {
            servers.append("busybox httpd -f -p ").append(server).append(" -h \"$www\" & servers=\"$servers $!\"\n");
        }
        return SCRIPT.replace("SERVERS\n", servers.toString());
    }

    /**
     * Whether this host has a default route, IPv4 or IPv6: pasta copies the host's uplink into an
     * egress job's namespace, and a host without one (the cgroup v2 guest has no network) has
     * nothing to copy.
     */
    public static boolean hostHasDefaultRoute() {
        try {
            boolean v4 = Files.readAllLines(Path.of("/proc/net/route")).stream().skip(1)
                    .map(line -> line.trim().split("\\s+")).anyMatch(fields -> fields.length > 1 && fields[1].equals("00000000"));
            Path v6routes = Path.of("/proc/net/ipv6_route");
            boolean v6 = Files.exists(v6routes) && Files.readAllLines(v6routes).stream()
                    .map(line -> line.trim().split("\\s+"))
                    .anyMatch(fields -> fields.length > 9 && fields[0].equals("0".repeat(32)) && fields[1].equals("00") && !fields[9].equals("lo"));
            return v4 || v6;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read this host's routes from /proc/net: " + e.getMessage(), e);
        }
    }

    /**
     * A shell script that prints one line per target: "host:port reached" when its server
     * answered, "host:port unreachable" otherwise. The request's end of file waits a second, since
     * pasta (2023-03) can lose a request that arrives together with the client's FIN; timeout
     * bounds any hang, and the allowed targets of every test show the probe itself works.
     */
    public static String probe(List<String> targets) {
        StringBuilder script = new StringBuilder();
        for (String target : targets) {
            int colon = target.lastIndexOf(':');
            script.append("if (printf 'GET / HTTP/1.0\\r\\n\\r\\n'; sleep 1) | timeout 10 nc -w 3 ").append(target, 0, colon).append(' ')
                    .append(target.substring(colon + 1)).append(" 2>/dev/null | grep -q reached; then echo '").append(target)
                    .append(" reached'; else echo '").append(target).append(" unreachable'; fi; ");
        }
        return script.toString();
    }
}
