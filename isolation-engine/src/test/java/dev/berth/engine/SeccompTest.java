package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.seccomp.SeccompProfiles;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The default-deny profile holds inside a real container: every call invariant 4 names is refused,
 * clone works only without namespace flags, clone3 answers ENOSYS, other ABIs are killed, and an
 * ordinary shell workload still runs.
 */
class SeccompTest extends EngineTestSupport {

    static final List<String> INVARIANT_FOUR = List.of("keyctl", "add_key", "request_key", "bpf", "userfaultfd",
            "perf_event_open", "io_uring_setup", "io_uring_enter", "io_uring_register", "unshare_user", "unshare_mount",
            "clone_newuser", "clone_newnet", "setns", "mount", "umount2", "fsopen", "fsmount", "move_mount", "open_tree",
            "ptrace_attach", "ptrace_traceme", "process_vm_readv", "process_vm_writev", "kexec_load", "kexec_file_load",
            "init_module", "finit_module", "open_by_handle_at", "reboot", "swapon", "swapoff", "pivot_root", "chroot",
            "raw_socket", "raw_socket6", "packet_socket");

    @Test
    void everyCallOfInvariantFourIsRefusedByTheFilter() throws Exception {
        Finished finished = run(plan(EscapeProbe.request(INVARIANT_FOUR), 1));
        EscapeProbe.assertAnswers(finished, invariantFourRefusedByTheFilter());
    }

    /**
     * Every call of invariant four fails with the filter's default errno, EPERM, on every host: the
     * filter answers before the kernel looks the call up. A kernel built without kexec or modules
     * answers ENOSYS by itself, so there EPERM is what shows that the filter refused, not the host.
     */
    static Map<String, EscapeProbe.Expectation> invariantFourRefusedByTheFilter() {
        Map<String, EscapeProbe.Expectation> expected = EscapeProbe.each(INVARIANT_FOUR,
                filterDefault("the allow-list lacks it (or its arguments), so the filter answers first"));
        EscapeProbe.Expectation kexec = filterDefault(kernelHas("kexec", "/proc/sys/kernel/kexec_load_disabled"));
        EscapeProbe.Expectation modules = filterDefault(kernelHas("loadable modules", "/proc/modules"));
        expected.putAll(Map.of("kexec_load", kexec, "kexec_file_load", kexec, "init_module", modules, "finit_module", modules));
        return expected;
    }

    private static EscapeProbe.Expectation filterDefault(String hostCase) {
        return EscapeProbe.Expectation.denied(hostCase, "EPERM");
    }

    private static String kernelHas(String feature, String marker) {
        return HostProperties.has(marker)
                ? "the host kernel has " + feature + " (" + marker + " exists) and would refuse an unprivileged caller too; the filter answers first"
                : "the host kernel has no " + feature + " (no " + marker + ") and would answer ENOSYS itself; EPERM can only come from the filter";
    }

    @Test
    void threadsAndForkWorkWhileClone3FallsBackWithEnosys() throws Exception {
        List<String> checks = List.of("clone_plain", "clone3", "tcp_socket");
        Finished finished = run(plan(EscapeProbe.request(checks), 1));

        Map<String, EscapeProbe.Verdict> verdicts = EscapeProbe.parse(finished, checks);
        assertThat(verdicts.get("clone_plain").result()).isEqualTo("ALLOWED");
        assertThat(verdicts.get("clone3")).extracting(EscapeProbe.Verdict::result, EscapeProbe.Verdict::detail)
                .containsExactly("DENIED", "ENOSYS");
        assertThat(verdicts.get("tcp_socket").result()).isEqualTo("ALLOWED");
    }

    @Test
    void otherSystemCallAbisKillTheProcess() throws Exception {
        EscapeProbe.Verdict hostI386 = HostProperties.i386Entry();
        EscapeProbe.Verdict hostX32 = HostProperties.x32Entry();
        // The x32 call enters the kernel through the ordinary 64-bit entry on every host, answered
        // or not: seccomp sees its number before dispatch, so the filter must kill it either way.
        assertThat(hostX32.result()).as("x32 getpid on the host without seccomp answered %s; it must return", hostX32)
                .isIn("ALLOWED", "DENIED");
        List<String> checks = List.of("i386_syscall", "x32_syscall");
        Finished finished = run(plan(EscapeProbe.request(checks), 1));

        Map<String, EscapeProbe.Verdict> verdicts = EscapeProbe.parse(finished, checks);
        assertThat(verdicts.get("x32_syscall")).extracting(EscapeProbe.Verdict::result, EscapeProbe.Verdict::detail)
                .as("x32 in the job; the host without seccomp answers %s: SIGSYS (31) from the filter, which sees every number before dispatch", hostX32)
                .containsExactly("KILLED", "31");
        if (hostI386.result().equals("KILLED")) {
            // The entry faults before a system call exists, so no filter sees it; what holds is that
            // the job gets the host's own signal and the call never returns.
            assertThat(verdicts.get("i386_syscall")).extracting(EscapeProbe.Verdict::result, EscapeProbe.Verdict::detail)
                    .as("host i386 entry faults without seccomp: the host answered %s, so the job must die by the same signal", hostI386)
                    .containsExactly("KILLED", hostI386.detail());
        } else {
            assertThat(hostI386.result()).as("i386 getpid on the host without seccomp answered %s", hostI386).isIn("ALLOWED", "DENIED");
            assertThat(verdicts.get("i386_syscall")).extracting(EscapeProbe.Verdict::result, EscapeProbe.Verdict::detail)
                    .as("host i386 entry works without seccomp (the host answered %s): SIGSYS (31) from the filter's architecture check", hostI386)
                    .containsExactly("KILLED", "31");
        }
    }

    @Test
    void theFilterIsInForceAndReportedByDigest() throws Exception {
        Finished finished = run(plan(shell("grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status; ls /bin | wc -l"), 1));

        assertThat(finished.outcome().succeeded()).as(finished.stderr()).isTrue();
        assertThat(finished.stdout()).contains("Seccomp:\t2").contains("NoNewPrivs:\t1");
        assertThat(finished.outcome().security()).hasValueSatisfying(security ->
                assertThat(security.seccompProfile()).isEqualTo(SeccompProfiles.restricted().reference()));
    }

    @Test
    void aPlanNamingAProfileDigestThisBuildLacksIsRefused() throws Exception {
        ExecutionPlan admitted = plan(shell("echo the program ran"), 1);
        ExecutionPlan stale = new ExecutionPlan(admitted.tenant(), admitted.image(), admitted.command(), admitted.env(),
                admitted.workingDir(), admitted.uid(), admitted.gid(), admitted.uidMappings(), admitted.gidMappings(),
                admitted.capabilities(), "berth-restricted@sha256:" + "0".repeat(64), admitted.noNewPrivileges(),
                admitted.readOnlyRootfs(), admitted.limits(), admitted.network(), admitted.hostname(), admitted.timeoutSeconds(),
                admitted.retries(), admitted.decisions());

        Finished finished = run(stale);

        assertThat(finished.outcome().reason()).contains(TerminationReason.EnforcementUnavailable);
        assertThat(finished.outcome().detail()).contains("does not have").contains("submit the job again");
        assertThat(finished.stdout()).doesNotContain("the program ran");
    }
}
