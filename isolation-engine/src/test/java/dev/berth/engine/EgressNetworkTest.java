package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.engine.cgroup.CgroupDriver;
import dev.berth.engine.host.HostIdentity;
import dev.berth.engine.network.EgressSettings;
import dev.berth.engine.network.EgressUplink;
import dev.berth.engine.network.EgressView;
import dev.berth.engine.runtime.CliOciRuntime;
import dev.berth.engine.image.DirectoryImageStore;
import dev.berth.policy.Admission;
import dev.berth.policy.AdmissionContext;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.JobAdmission;
import dev.berth.policy.JobRequest;
import dev.berth.policy.PlatformCeilings;
import dev.berth.policy.ServiceIdentity;
import dev.berth.policy.data.SecretReference;
import dev.berth.policy.egress.Cidr;
import dev.berth.policy.egress.EgressRule;
import dev.berth.policy.tenant.TenantPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Network mode egress on real containers. Targets are servers the test makes itself: in a lab
 * network namespace made inside each job's user namespace (the only namespaces the service user
 * may join without privilege), where pasta starts instead of in the engine's own namespace, with a
 * tap interface lab0 (203.0.113.2/24, default route via 203.0.113.1) and busybox httpd servers on
 * addresses of its loopback. The host's own uplink is used where what matters is the host: its
 * loopback and addresses must stay unreachable even for an allow-list of everything.
 */
class EgressNetworkTest extends EngineTestSupport {

    private static final PlatformCeilings EGRESS_PLATFORM = new PlatformCeilings(1000, 2000, 256, 4096, 256, 1024, 64, 1024, 3600, 86_400,
            5, 1024, 1000, Set.of(), Set.of("none", "egress"), PlatformCeilings.DEFAULT_SECCOMP_PROFILE);
    private static final List<String> LAB_SERVERS = List.of("198.51.100.10:8080", "198.51.100.10:8081", "198.51.100.20:8080",
            "169.254.169.254:80", "127.0.0.1:8080", "203.0.113.2:8080");
    private static final Map<String, String> LAB_NAMES = Map.of("allowed.lab.test", "198.51.100.10", "denied.lab.test", "198.51.100.20");
    /**
     * $0 is the hook's pid, $1 the servers' document root, the rest pasta's options. pasta drops
     * its capabilities first, so it reaches the job's network namespace through a descriptor the
     * shell opened.
     */
    private static final String LAB = """
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

    /** Starts pasta in a lab namespace with its own servers, inside the job's user namespace. */
    private EgressUplink lab() throws IOException {
        Path www = Files.createDirectories(temp.resolve("www"));
        Files.writeString(www.resolve("index.html"), "reached\n");
        return new EgressUplink() {
            @Override
            public Process startPasta(long pid, List<String> options) throws IOException {
                List<String> command = new ArrayList<>(List.of("nsenter", "--preserve-credentials", "--user=/proc/" + pid + "/ns/user", "--",
                        "unshare", "-n", "sh", "-c", labScript(), Long.toString(pid), www.toString()));
                command.addAll(options);
                return new ProcessBuilder(command).redirectErrorStream(true).start();
            }

            @Override
            public List<Cidr> ownAddresses() {
                return List.of(Cidr.parse("203.0.113.2").orElseThrow());
            }

            @Override
            public List<InetAddress> resolve(String hostName) {
                try {
                    return LAB_NAMES.containsKey(hostName) ? List.of(InetAddress.getByName(LAB_NAMES.get(hostName))) : List.of();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    private static String labScript() {
        StringBuilder servers = new StringBuilder();
        for (String server : LAB_SERVERS) {
            servers.append("busybox httpd -f -p ").append(server).append(" -h \"$www\" & servers=\"$servers $!\"\n");
        }
        return LAB.replace("SERVERS\n", servers.toString());
    }

    private IsolationEngine engineWith(EgressSettings settings) throws IOException {
        engine.close();
        engine = new IsolationEngine(config, new CliOciRuntime(CRUN, config.stateDir()), CgroupDriver.detect(CGROUP_PARENT),
                new DirectoryImageStore(TestImages.directory()), settings);
        return engine;
    }

    private static ExecutionPlan egressPlan(String image, List<String> command, List<EgressRule> allowed) throws IOException {
        return egressPlan(new JobRequest(image, command, null, null, null, null, null, null, null, null, "egress"), allowed);
    }

    private static ExecutionPlan egressPlan(JobRequest request, List<EgressRule> allowed) throws IOException {
        HostIdentity self = HostIdentity.current();
        AdmissionContext context = new AdmissionContext("tenant-3", tenantRange(3), new ServiceIdentity(self.uid(), self.gid()),
                new TenantPolicy("baseline", null, null, null, List.of("none", "egress"), null, null, null, null, allowed),
                dev.berth.policy.tenant.TenantQuota.defaults());
        Admission admission = new JobAdmission(EGRESS_PLATFORM).admit(request, context);
        assertThat(admission).isInstanceOf(Admission.Admitted.class);
        return ((Admission.Admitted) admission).plan();
    }

    private static ExecutionPlan egressShell(String script, EgressRule... allowed) throws IOException {
        return egressPlan("busybox", List.of("sh", "-c", script), List.of(allowed));
    }

    /**
     * One line per target: "host:port reached" when its server answered, "host:port unreachable"
     * otherwise. The request's end of file waits a second, since pasta (2023-03) can lose a request
     * that arrives together with the client's FIN; timeout bounds any hang, and the allowed targets
     * of every test show the probe itself works.
     */
    private static String probe(List<String> targets) {
        StringBuilder script = new StringBuilder();
        for (String target : targets) {
            int colon = target.lastIndexOf(':');
            script.append("if (printf 'GET / HTTP/1.0\\r\\n\\r\\n'; sleep 1) | timeout 10 nc -w 3 ").append(target, 0, colon).append(' ')
                    .append(target.substring(colon + 1)).append(" 2>/dev/null | grep -q reached; then echo '").append(target)
                    .append(" reached'; else echo '").append(target).append(" unreachable'; fi; ");
        }
        return script.toString();
    }

    private static EgressRule tcp(String destination, String ports) {
        return new EgressRule(destination, ports, null);
    }

    @Test
    void anAllowedDestinationIsReachedAndNothingElse() throws Exception {
        engineWith(EgressSettings.host(List.of()).withUplink(lab()));

        Finished finished = run(egressShell(probe(List.of("198.51.100.10:8080", "198.51.100.10:8081", "198.51.100.20:8080")),
                tcp("198.51.100.10", "8080")));

        assertThat(finished.outcome().reason()).as(finished.outcome().detail()).isEmpty();
        assertThat(finished.stdout().lines()).containsExactly("198.51.100.10:8080 reached", "198.51.100.10:8081 unreachable",
                "198.51.100.20:8080 unreachable");
        EgressView egress = finished.outcome().security().orElseThrow().egress();
        assertThat(egress.allowed()).containsExactly(new EgressRule("198.51.100.10", "8080", "tcp"));
        assertThat(egress.alwaysDenied()).contains("127.0.0.0/8", "169.254.0.0/16", "fd00:ec2::254", "203.0.113.2");
    }

    @Test
    void aCarelessListStillCannotReachMetadataLoopbackOrTheUplinksOwnAddress() throws Exception {
        engineWith(EgressSettings.host(List.of()).withUplink(lab()));

        Finished finished = run(egressShell(probe(List.of("198.51.100.20:8080", "169.254.169.254:80", "127.0.0.1:8080", "203.0.113.2:8080")),
                tcp("0.0.0.0/0", null), tcp("::/0", null)));

        assertThat(finished.outcome().reason()).as(finished.outcome().detail()).isEmpty();
        assertThat(finished.stdout().lines()).as("an ordinary address is reached; the lab serves all four on its side")
                .containsExactly("198.51.100.20:8080 reached", "169.254.169.254:80 unreachable", "127.0.0.1:8080 unreachable",
                        "203.0.113.2:8080 unreachable");
    }

    @Test
    void theResolverAnswersOnlyAllowedNamesWithTheirPinnedAddresses() throws Exception {
        engineWith(EgressSettings.host(List.of()).withUplink(lab()));

        Finished finished = run(egressShell("nslookup allowed.lab.test 127.0.0.1; echo \"allowed=$?\"; nslookup denied.lab.test 127.0.0.1;"
                + " echo \"denied=$?\"; nslookup example.com 127.0.0.1; echo \"other=$?\"; " + probe(List.of("allowed.lab.test:8080")),
                tcp("allowed.lab.test", "8080")));

        assertThat(finished.outcome().reason()).as(finished.outcome().detail()).isEmpty();
        assertThat(finished.stdout()).contains("Address: 198.51.100.10", "allowed=0", "allowed.lab.test:8080 reached")
                .doesNotContain("198.51.100.20").doesNotContain("denied=0").doesNotContain("other=0");
        assertThat(finished.outcome().security().orElseThrow().egress().pinned()).isEqualTo(Map.of("allowed.lab.test", List.of("198.51.100.10")));
    }

    @Test
    void theGateOpensAfterTheJobDataHooksSoASecretIsInPlaceWhenTheNetworkIs() throws Exception {
        engineWith(EgressSettings.host(List.of()).withUplink(lab()));
        JobRequest request = new JobRequest("busybox", List.of("sh", "-c", "[ \"$(cat /dev/secrets/api-key)\" = s3cret ] && echo secret-read; "
                + probe(List.of("198.51.100.10:8080"))), null, null, null, null, null, null, null, null, "egress", null, null, null,
                List.of(new SecretReference("api-key", null)));

        Finished finished = run(egressPlan(request, List.of(tcp("198.51.100.10", "8080"))),
                new JobPayload(null, Map.of(), null, Map.of("api-key", "s3cret".getBytes(StandardCharsets.UTF_8))));

        assertThat(finished.outcome().reason()).as(finished.outcome().detail()).isEmpty();
        assertThat(finished.stdout().lines()).containsExactly("secret-read", "198.51.100.10:8080 reached");
    }

    @Test
    void onTheHostItselfAnAllowListOfEverythingNeverReachesTheHostsLoopbackOrAddresses() throws Exception {
        engineWith(EgressSettings.host(List.of()));
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(0));
            List<String> targets = new ArrayList<>(List.of("127.0.0.1:" + server.getLocalPort()));
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (!address.isLinkLocalAddress() && !address.isLoopbackAddress()) {
                        targets.add(address.getHostAddress().replaceFirst("%.*", "") + ":" + server.getLocalPort());
                    }
                }
            }

            Finished finished = run(egressShell("echo the program ran; " + probe(targets) + " awk '$2 == \"00000000\"' /proc/net/route | wc -l",
                    tcp("0.0.0.0/0", null), tcp("::/0", null)));

            if (HostProperties.hasDefaultRoute()) {
                assertThat(finished.outcome().reason()).as(finished.outcome().detail()).isEmpty();
                assertThat(finished.stdout().lines().toList()).as("the job had a route out, so unreachable is the rules' doing")
                        .contains("1").containsAll(targets.stream().map(target -> target + " unreachable").toList());
            } else {
                assertThat(finished.outcome().reason()).as("a host without a route out has no uplink for pasta to copy: the job must not run")
                        .contains(TerminationReason.EnforcementUnavailable);
                assertThat(finished.outcome().detail()).contains("no default route");
                assertThat(finished.stdout()).doesNotContain("the program ran");
            }
            server.setSoTimeout(200);
            try {
                server.accept().close();
                throw new AssertionError("an egress job connected to the test JVM's port on the host");
            } catch (SocketTimeoutException expected) {
                // nobody came
            }
        }
    }

    @Test
    void rulesTheKernelDoesNotShowKeepTheJobFromRunning() throws Exception {
        Path nft = temp.resolve("careless-nft");
        // An nft that installs the rules without the always-denied ones, as a broken tool or kernel might.
        Files.writeString(nft, "#!/bin/sh\nif [ \"$1\" = -f ]; then grep -v 'reject with' \"$2\" > \"$2.careless\"; exec /usr/sbin/nft -f \"$2.careless\"; fi\n"
                + "exec /usr/sbin/nft \"$@\"\n");
        Files.setPosixFilePermissions(nft, PosixFilePermissions.fromString("rwx------"));
        engineWith(EgressSettings.host(List.of()).withUplink(lab()).withNft(nft));

        Finished finished = run(egressShell("echo the program ran", tcp("198.51.100.10", "8080")));

        assertThat(finished.outcome().reason()).contains(TerminationReason.EnforcementUnavailable);
        assertThat(finished.outcome().detail()).contains("the kernel's nftables ruleset differs", "ip daddr 169.254.0.0/16 reject");
        assertThat(finished.stdout()).doesNotContain("the program ran");
    }

    @Test
    void withoutPastaAnEgressJobDoesNotRun() throws Exception {
        engineWith(EgressSettings.host(List.of()).withUplink(new dev.berth.engine.network.HostUplink("/nonexistent/pasta")));

        Finished finished = run(egressShell("echo the program ran", tcp("198.51.100.10", "8080")));

        assertThat(finished.outcome().reason()).contains(TerminationReason.EnforcementUnavailable);
        assertThat(finished.outcome().detail()).contains("the egress network could not be set up", "/nonexistent/pasta", "./berth up");
        assertThat(finished.stdout()).doesNotContain("the program ran");
    }

    @Test
    void theEscapeProbesSystemCallsAnswerTheSameInEgressMode() throws Exception {
        engineWith(EgressSettings.host(List.of()).withUplink(lab()));
        List<String> command = new ArrayList<>(List.of(TestImages.PROBE));
        command.addAll(SeccompTest.INVARIANT_FOUR);

        Finished finished = run(egressPlan(TestImages.PROBE_IMAGE, command, List.of(tcp("198.51.100.10", "8080"))));

        EscapeProbe.assertAnswers(finished, SeccompTest.invariantFourRefusedByTheFilter());
    }

    @Test
    void noneHasNoEgressAndNoInterfaceBesideTheFreshOnes() throws Exception {
        List<String> fresh = HostProperties.freshNetworkNamespaceInterfaces();

        Finished finished = run(plan(shell("cat /proc/net/dev"), 1));

        assertThat(finished.outcome().security().orElseThrow().egress()).isNull();
        assertThat(HostProperties.interfaceNames(finished.stdout())).containsExactlyInAnyOrderElementsOf(fresh);
    }
}
