package dev.berth.engine.spec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The filesystem a job sees: the shared image read-only, a fresh /dev, its own /proc and /sys
 * read-only where the OCI defaults say so, a read-only cgroup view, and size- and inode-limited
 * tmpfs scratch at /tmp and at the working directory as its only writable places. tmpfs pages are
 * charged to the job's memory cgroup, so scratch never outgrows the memory limit either.
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

    @Override
    public void generate(BundleContext context, ObjectNode spec) {
        ObjectNode root = spec.putObject("root");
        root.put("path", context.image().rootfs().toString());
        root.put("readonly", context.plan().readOnlyRootfs());

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
        mount(mounts, "/tmp", "tmpfs", "tmpfs", "nosuid", "nodev", "mode=1777", size, inodes);
        String workingDir = context.plan().workingDir();
        if (!WorkingDirectory.isScratch(workingDir)) {
            mount(mounts, workingDir, "tmpfs", "tmpfs", "nosuid", "nodev", "mode=0700",
                    "uid=" + context.plan().uid(), "gid=" + context.plan().gid(), size, inodes);
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
