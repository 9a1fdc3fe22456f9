package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.engine.host.HostIdentity;
import dev.berth.engine.network.EgressReadiness;
import dev.berth.engine.network.EgressSettings;
import dev.berth.engine.network.EgressView;
import dev.berth.engine.testing.EgressLab;
import dev.berth.policy.Admission;
import dev.berth.policy.AdmissionContext;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.JobAdmission;
import dev.berth.policy.JobRequest;
import dev.berth.policy.PlatformCeilings;
import dev.berth.policy.ServiceIdentity;
import dev.berth.policy.data.SecretReference;
import dev.berth.policy.egress.EgressRule;
import dev.berth.policy.tenant.TenantPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
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
import java.util.concurrent.TimeUnit;
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

    /** pasta in a lab namespace with the test's own servers, inside the job's user namespace (see {@link EgressLab}). */
    private EgressLab lab() throws IOException {
        return EgressLab.serving(temp.resolve("www"));
    }

    private static ExecutionPlan egressPlan(String image, List<String> command, List<EgressRule> allowed) throws IOException {
        return egressPlan(new JobRequest(image, command, null, null, null, null, null, null, null, null, "egress"), allowed);
    }

    static ExecutionPlan egressPlan(JobRequest request, List<EgressRule> allowed) throws IOException {
        HostIdentity self = HostIdentity.current();
        AdmissionContext context = new AdmissionContext("tenant-3", tenantRange(3), new ServiceIdentity(self.uid(), self.gid()),
                new TenantPolicy("baseline", null, null, null, List.of("none", "egress"), null, null, null, null, allowed),
                dev.berth.policy.tenant.TenantQuota.defaults());
        Admission admission = new JobAdmission(EGRESS_PLATFORM).admit(request, context);
        assertThat(admission).isInstanceOf(Admission.Admitted.class);
        return ((Admission.Admitted) admission).plan();
    }

    static ExecutionPlan egressShell(String script, EgressRule... allowed) throws IOException {
        return egressPlan("busybox", List.of("sh", "-c", script), List.of(allowed));
    }

    static EgressRule tcp(String destination, String ports) {
        return new EgressRule(destination, ports, null);
    }

    @Test
    void anAllowedDestinationIsReachedAndNothingElse() throws Exception {
        engineWith(EgressSettings.host(List.of()).withUplink(lab()));

        Finished finished = run(egressShell(EgressLab.probe(List.of("198.51.100.10:8080", "198.51.100.10:8081", "198.51.100.20:8080")),
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

        Finished finished = run(egressShell(EgressLab.probe(List.of("198.51.100.20:8080", "169.254.169.254:80", "127.0.0.1:8080", "203.0.113.2:8080")),
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
                + " echo \"denied=$?\"; nslookup example.com 127.0.0.1; echo \"other=$?\"; " + EgressLab.probe(List.of("allowed.lab.test:8080")),
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
                + EgressLab.probe(List.of("198.51.100.10:8080"))), null, null, null, null, null, null, null, null, "egress", null, null, null,
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

            Finished finished = run(egressShell("echo the program ran; " + EgressLab.probe(targets) + " awk '$2 == \"00000000\"' /proc/net/route | wc -l",
                    tcp("0.0.0.0/0", null), tcp("::/0", null)));

            if (EgressLab.hostHasDefaultRoute()) {
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
    void anotherEgressJobsListenerIsReachedNeitherByAJobNorFromTheHost() throws Exception {
        engineWith(EgressSettings.host(List.of()));
        if (!EgressLab.hostHasDefaultRoute()) {
            // The cgroup v2 guest, for one: pasta copies the host's uplink, so no egress job may run here at all.
            Finished refused = run(egressShell("echo the program ran", tcp("0.0.0.0/0", null)));
            assertThat(refused.outcome().reason()).as("a host without a route out has no uplink for pasta to copy: the job must not run")
                    .contains(TerminationReason.EnforcementUnavailable);
            assertThat(refused.stdout()).doesNotContain("the program ran");
            return;
        }
        Path listenerLogs = Files.createDirectories(temp.resolve("listener-logs"));
        RunningJob listener = engine.start(egressShell("mkdir /tmp/www && echo reached > /tmp/www/index.html"
                + " && busybox httpd -p 0.0.0.0:8090 -h /tmp/www && " + EgressLab.probe(List.of("127.0.0.1:8090")) + " sleep 20",
                tcp("0.0.0.0/0", null)), listenerLogs, JobPayload.NONE);
        try {
            assertNeitherAnotherJobNorTheHostReachesTheListener(listenerLogs.resolve("stdout.log"));
        } finally {
            listener.cancel();
            listener.released().get(180, TimeUnit.SECONDS);
        }
    }

    private void assertNeitherAnotherJobNorTheHostReachesTheListener(Path listenerOut) throws Exception {
        for (int i = 0; i < 300 && !(Files.exists(listenerOut) && Files.readString(listenerOut).contains("127.0.0.1:8090")); i++) {
            Thread.sleep(100);
        }
        assertThat(Files.readString(listenerOut)).as("the listener job serves on its own loopback").contains("127.0.0.1:8090 reached");

        List<String> targets = new ArrayList<>(List.of("127.0.0.1:8090"));
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (!address.isLinkLocalAddress() && !address.isLoopbackAddress()) {
                    targets.add(address.getHostAddress().replaceFirst("%.*", "") + ":8090");
                }
            }
        }
        Finished other = run(egressShell(EgressLab.probe(targets), tcp("0.0.0.0/0", null), tcp("::/0", null)));

        assertThat(other.outcome().reason()).as(other.outcome().detail()).isEmpty();
        assertThat(other.stdout().lines().toList()).as("pasta gives every job the host's address; no port of one job is forwarded to another")
                .containsExactlyElementsOf(targets.stream().map(target -> target + " unreachable").toList());
        for (String target : targets.subList(1, targets.size())) {
            int colon = target.lastIndexOf(':');
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(target.substring(0, colon), 8090), 2000);
                throw new AssertionError("the host reached an egress job's listener at " + target);
            } catch (IOException expected) {
                // refused: pasta forwards no port into a job (-t none -u none)
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
    void thisPreparedHostIsReadyForEgressJobs() {
        assertThat(engine.egressReadinessProblems()).as("host setup installs pasta, nft, dnsmasq and gives the service user /dev/net/tun").isEmpty();
    }

    @Test
    void readinessNamesEachMissingToolAndAnInaccessibleTunDeviceWithTheFix() throws IOException {
        Path closedTun = Files.createFile(temp.resolve("tun"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("---------")));
        assertThat(Files.isReadable(closedTun)).as("the service user is not root, so access(2) refuses a file of mode 000").isFalse();
        EgressSettings missing = new EgressSettings(new dev.berth.engine.network.HostUplink("/nonexistent/pasta"), List.of(),
                Path.of("/nonexistent/nsenter"), Path.of("/nonexistent/nft"), Path.of("/nonexistent/dnsmasq"));

        assertThat(EgressReadiness.problems(missing, closedTun)).containsExactly(
                "pasta not found at /nonexistent/pasta: run ./berth up once as root to install passt",
                "nft not found at /nonexistent/nft: run ./berth up once as root to install nftables",
                "dnsmasq not found at /nonexistent/dnsmasq: run ./berth up once as root to install dnsmasq-base",
                "nsenter not found at /nonexistent/nsenter: run ./berth up once as root to install util-linux",
                closedTun + " is not readable and writable by " + System.getProperty("user.name")
                        + " (pasta opens it for each egress job): run ./berth up once as root to give the service user access");
        assertThat(EgressReadiness.problems(EgressSettings.host(List.of()), temp.resolve("no-tun")))
                .containsExactly(temp.resolve("no-tun") + " is missing: the kernel needs the tun module (modprobe tun), then run ./berth up once as root");
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
