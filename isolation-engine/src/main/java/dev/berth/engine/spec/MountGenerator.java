package dev.berth.engine.spec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.policy.data.JobData;
import java.util.List;

/**
 * The filesystem a job sees: the shared image read-only, a fresh /dev, its own /proc and /sys
 * read-only where the OCI defaults say so, a read-only cgroup view, and size- and inode-limited
 * tmpfs scratch at /tmp and at the working directory as its only writable places. tmpfs pages are
 * charged to the job's memory cgroup, so scratch never outgrows the memory limit either.
 *
 * The runtime mounts the image directory as the root with a bind mount, which would show the job
 * that directory's host path in /proc/self/mountinfo; the {@link OverlayRoot} program replaces it
 * with an overlay of the same directory before the runtime pivots into it, so the job sees "/"
 * there. It runs as the start gate's hook, which {@link StartGateGenerator} adds.
 */
final class MountGenerator implements SpecGenerator {

    /** One inode per 16 KiB of scratch, so a flood of empty files hits a limit before the host does. */
    static final long SCRATCH_BYTES_PER_INODE = 16 * 1024;
    static final long MIN_SCRATCH_INODES = 1024;

    /** runc's and crun's default masked paths: kernel state a job has no business reading. */
    static final List<String> MASKED_PATHS = List.of(
            "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
            "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware", "/sys/devices/virtual/powercap");

    /**
     * The OCI defaults, plus /sys/fs/cgroup itself: on cgroup v1 the runtime builds it as a
     * writable tmpfs holding the read-only controller mounts, which would be a second, unaccounted
     * scratch space.
     */
    static final List<String> READONLY_PATHS = List.of(
            "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", "/sys/fs/cgroup");

    /**
     * crun sends what hooks write to stderr nowhere unless told; pointed at its own stderr, the
     * overlay root's errors reach the job's stderr log next to crun's "error executing hook".
     */
    static final String HOOKS_STDERR_ANNOTATION = "run.oci.hooks.stderr";
    static final String RUNTIME_STDERR = "/proc/self/fd/2";

    @Override
    public void generate(BundleContext context, ObjectNode spec) {
        String rootfs = context.image().rootfs().toString();
        ObjectNode root = spec.putObject("root");
        root.put("path", rootfs);
        root.put("readonly", context.plan().readOnlyRootfs());
        spec.withObject("/annotations").put(HOOKS_STDERR_ANNOTATION, RUNTIME_STDERR);

        ArrayNode mounts = spec.putArray("mounts");
        mount(mounts, "/proc", "proc", "proc", "nosuid", "noexec", "nodev");
        mount(mounts, "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
        mount(mounts, "/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620");
        mount(mounts, "/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k");
        mount(mounts, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
        mount(mounts, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro");
        mount(mounts, "/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro");
        long scratch = context.plan().limits().scratchBytes();
        String size = "size=" + scratch;
        String inodes = "nr_inodes=" + Math.max(MIN_SCRATCH_INODES, scratch / SCRATCH_BYTES_PER_INODE);
        String workingDir = context.plan().workingDir();
        boolean ownScratch = !WorkingDirectory.isScratch(workingDir);
        // Inputs count against the scratch that holds them: that tmpfs is smaller by their size.
        JobData.Inputs inputs = context.plan().data().inputs();
        boolean inputsInWorkingDir = inputs != null && ownScratch && inputs.path().startsWith(workingDir + "/");
        String inputsSize = inputs == null ? size : "size=" + Math.max(1, scratch - inputs.totalBytes());
        mount(mounts, "/tmp", "tmpfs", "tmpfs", "nosuid", "nodev", "mode=1777", inputs != null && !inputsInWorkingDir ? inputsSize : size, inodes);
        if (ownScratch) {
            mount(mounts, workingDir, "tmpfs", "tmpfs", "nosuid", "nodev", "mode=0700",
                    "uid=" + context.plan().uid(), "gid=" + context.plan().gid(), inputsInWorkingDir ? inputsSize : size, inodes);
        }

        ObjectNode linux = spec.withObject("/linux");
        ArrayNode masked = linux.putArray("maskedPaths");
        MASKED_PATHS.forEach(masked::add);
        ArrayNode readonly = linux.putArray("readonlyPaths");
        READONLY_PATHS.forEach(readonly::add);
    }

    private static void mount(ArrayNode mounts, String destination, String type, String source, String... options) {
        ObjectNode mount = mounts.addObject();
        mount.put("destination", destination);
        mount.put("type", type);
        mount.put("source", source);
        ArrayNode list = mount.putArray("options");
        for (String option : options) {
            list.add(option);
        }
    }
}
