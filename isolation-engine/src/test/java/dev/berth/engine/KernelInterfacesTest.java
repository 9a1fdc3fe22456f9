package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.policy.ResourceRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a job sees of the kernel through /proc, /sys and /dev: writes to kernel knobs refused,
 * sensitive files masked, a fresh /dev with the standard nodes only, and a read-only cgroup view
 * that shows the job its own limits.
 */
class KernelInterfacesTest extends EngineTestSupport {

    @Test
    void kernelKnobsAreReadOnlyAndSensitiveFilesMaskedOrAbsent() throws Exception {
        List<String> checks = List.of("sysrq_trigger", "core_pattern", "sys_write", "sys_mkdir", "dev_mem", "dev_kmsg",
                "proc_kcore", "proc_keys", "proc_timer_list", "mknod_block", "mknod_char");
        Finished finished = run(plan(EscapeProbe.request(checks), 1));
        EscapeProbe.assertAllRefused(finished, checks);
    }

    @Test
    void devHoldsOnlyTheStandardNodes() throws Exception {
        Finished finished = run(plan(shell("ls -A /dev; echo --; grep ' /dev ' /proc/self/mountinfo"), 1));

        String[] parts = finished.stdout().split("--\n");
        assertThat(parts[0].lines()).containsExactlyInAnyOrder("full", "mqueue", "null", "ptmx", "pts",
                "random", "shm", "tty", "urandom", "zero", "fd", "stdin", "stdout", "stderr", "core");
        assertThat(parts[1]).contains(" - tmpfs ");
    }

    @Test
    void theCgroupViewIsReadOnlyAndShowsTheJobItsOwnMemoryLimit() throws Exception {
        Finished finished = run(plan(shell("cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max 2>/dev/null;"
                + " grep ' /sys/fs/cgroup' /proc/self/mountinfo | grep -c ' ro,'", new ResourceRequest(null, 48, null, null), null), 1));

        List<String> lines = finished.stdout().lines().toList();
        assertThat(lines.getFirst()).as(finished.stdout() + finished.stderr()).isEqualTo(String.valueOf(48L << 20));
        assertThat(Integer.parseInt(lines.getLast())).isPositive();
    }
}
