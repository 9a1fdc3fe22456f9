package dev.berth.engine.cgroup;

import dev.berth.policy.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Creates limited job cgroups on the host's cgroup layout. */
public interface CgroupDriver {

    /** {@code v1} or {@code v2}, as shown in health checks and the job's effective security. */
    String version();

    JobCgroup create(String name, Limits limits);

    /** Kills what runs in a job cgroup a previous engine left behind and removes it; nothing if absent. */
    void removeLeftover(String name);

    /** The cgroup directories that must belong to the service user for jobs to be limited. */
    List<Path> delegatedDirs();

    /**
     * Picks the driver for this host: cgroup v2 when the unified hierarchy is mounted at
     * {@code /sys/fs/cgroup}, v1 (including hybrid layouts) otherwise.
     */
    static CgroupDriver detect(String parent) {
        if (Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))) {
            return new CgroupV2Driver(Path.of("/sys/fs/cgroup"), parent);
        }
        return new CgroupV1Driver(CgroupV1Mounts.read(), parent);
    }
}
