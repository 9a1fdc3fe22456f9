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
    void everyCallOfInvariantFourIsRefused() throws Exception {
        Finished finished = run(plan(EscapeProbe.request(INVARIANT_FOUR), 1));
        EscapeProbe.assertAllRefused(finished, INVARIANT_FOUR);
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
        List<String> checks = List.of("i386_syscall", "x32_syscall");
        Finished finished = run(plan(EscapeProbe.request(checks), 1));

        // SIGSYS (31) from the filter's architecture check, before any allow-list lookup.
        assertThat(EscapeProbe.parse(finished, checks).values()).allSatisfy(verdict ->
                assertThat(verdict).extracting(EscapeProbe.Verdict::result, EscapeProbe.Verdict::detail).containsExactly("KILLED", "31"));
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
