package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.engine.EscapeProbe.Expectation;
import dev.berth.engine.network.EgressSettings;
import dev.berth.engine.testing.EgressLab;
import dev.berth.policy.JobRequest;
import dev.berth.policy.ResourceRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a job sees of the kernel through /proc, /sys and /dev: writes to kernel knobs refused,
 * sensitive files masked, a fresh /dev with the standard nodes only, and a read-only cgroup view
 * that shows the job its own limits. Which /proc and /sys files exist depends on how the host's
 * kernel was built, so each expectation is built on what the host has.
 */
class KernelInterfacesTest extends EngineTestSupport {

    private static final Expectation FRESH_DEV = Expectation.absent("the job's /dev is a fresh tmpfs with the standard nodes only, whatever the host's /dev holds");
    private static final Expectation NO_CAP_MKNOD = Expectation.denied("device nodes need CAP_MKNOD in the host's user namespace", "EPERM");

    @Test
    void kernelKnobsAreReadOnlyAndSensitiveFilesMaskedWhereTheHostHasThem() throws Exception {
        Map<String, Expectation> expected = expectations();

        EscapeProbe.assertAnswers(run(plan(EscapeProbe.request(expected), 1)), expected);
    }

    /** The egress network's helpers and hook change nothing of what the job sees of the kernel. */
    @Test
    void anEgressJobSeesTheSameKernelInterfaces() throws Exception {
        engineWith(EgressSettings.host(List.of()).withUplink(EgressLab.serving(temp.resolve("www"))));
        Map<String, Expectation> expected = expectations();
        JobRequest probe = EscapeProbe.request(expected);
        JobRequest egress = new JobRequest(probe.image(), probe.command(), null, null, null, null, null, null, null, null, "egress");

        EscapeProbe.assertAnswers(run(EgressNetworkTest.egressPlan(egress, List.of(EgressNetworkTest.tcp("198.51.100.10", "8080")))), expected);
    }

    private static Map<String, Expectation> expectations() {
        Map<String, Expectation> expected = new LinkedHashMap<>();
        expected.put("sysrq_trigger", writeDeniedWhereTheHostHas("/proc/sysrq-trigger"));
        expected.put("core_pattern", writeDeniedWhereTheHostHas("/proc/sys/kernel/core_pattern"));
        expected.put("sys_write", writeDeniedWhereTheHostHas("/sys/kernel/uevent_helper"));
        expected.put("sys_mkdir", Expectation.denied("the job's cgroup view is mounted read-only, on cgroup v1 and v2 alike", "EROFS"));
        expected.put("dev_mem", FRESH_DEV);
        expected.put("dev_kmsg", FRESH_DEV);
        expected.put("proc_kcore", maskedWhereTheHostHas("/proc/kcore"));
        expected.put("dev_core", maskedWhereTheHostHas("/proc/kcore"));
        expected.put("proc_keys", maskedWhereTheHostHas("/proc/keys"));
        expected.put("proc_timer_list", maskedWhereTheHostHas("/proc/timer_list"));
        expected.put("mknod_block", NO_CAP_MKNOD);
        expected.put("mknod_char", NO_CAP_MKNOD);
        return expected;
    }

    @Test
    void devHoldsOnlyTheStandardNodes() throws Exception {
        Finished finished = run(plan(shell("ls -A /dev; echo --; grep ' /dev ' /proc/self/mountinfo; echo --; readlink /dev/core"), 1));

        String[] parts = finished.stdout().split("--\n");
        assertThat(parts[0].lines()).containsExactlyInAnyOrder("full", "mqueue", "null", "ptmx", "pts",
                "random", "shm", "tty", "urandom", "zero", "fd", "stdin", "stdout", "stderr", "core");
        assertThat(parts[1]).contains(" - tmpfs ");
        assertThat(parts[2].strip()).as("/dev/core is a link to the masked /proc/kcore, never a node of its own").isEqualTo("/proc/kcore");
    }

    @Test
    void theCgroupViewIsReadOnlyAndShowsTheJobItsOwnMemoryLimit() throws Exception {
        String version = HostProperties.cgroupVersion();
        String limitFile = version.equals("v2") ? "/sys/fs/cgroup/memory.max" : "/sys/fs/cgroup/memory/memory.limit_in_bytes";
        Finished finished = run(plan(shell("cat " + limitFile + "; echo --; (echo max > " + limitFile + ") 2>&1; (echo 1 > " + limitFile
                + ") 2>&1; cat " + limitFile + "; echo --; cat /proc/self/mountinfo", new ResourceRequest(null, 48, null, null), null), 1));

        String[] parts = finished.stdout().split("--\n");
        String limit = String.valueOf(48L << 20);
        assertThat(parts[0].strip()).as("%s on a cgroup %s host: %s", limitFile, version, finished.stderr()).isEqualTo(limit);
        assertThat(parts[1].lines()).as("the job raising and lowering its own limit in %s", limitFile)
                .hasSize(3).last().isEqualTo(limit);
        assertThat(parts[1].lines().limit(2)).allMatch(line -> line.endsWith("Permission denied") || line.endsWith("Read-only file system"));
        List<String[]> cgroupMounts = parts[2].lines().map(line -> line.split(" "))
                .filter(fields -> fields[4].startsWith("/sys/fs/cgroup")).toList();
        assertThat(cgroupMounts).as("a cgroup %s host shows the job a %s view", version, version)
                .anySatisfy(fields -> assertThat(fields[List.of(fields).indexOf("-") + 1]).isEqualTo(version.equals("v2") ? "cgroup2" : "cgroup"));
        String[] visible = cgroupMounts.stream().filter(fields -> fields[4].equals("/sys/fs/cgroup")).reduce((below, above) -> above).orElseThrow();
        assertThat(List.of(visible[5].split(","))).as("options of the mount the job sees at /sys/fs/cgroup").contains("ro");
    }

    /** A kernel knob the job may not write where the host's kernel has it: refused by permissions or the read-only mount. */
    private static Expectation writeDeniedWhereTheHostHas(String path) {
        return HostProperties.has(path)
                ? Expectation.denied("the host has " + path + "; the job may not write it", "EACCES", "EROFS")
                : Expectation.absent("the host's kernel has no " + path + ", so the job's has none either");
    }

    /** A file the OCI defaults mask: empty where the host's kernel has it, absent where it has not. */
    private static Expectation maskedWhereTheHostHas(String path) {
        return HostProperties.has(path)
                ? Expectation.masked("the host has " + path + "; the job must read it as empty")
                : Expectation.absent("the host's kernel has no " + path + ", so there is nothing to mask");
    }
}
