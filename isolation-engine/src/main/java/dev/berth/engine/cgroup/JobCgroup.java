package dev.berth.engine.cgroup;

import dev.berth.policy.Limits;
import java.util.List;

/**
 * The cgroup the engine creates and limits for one job. The runtime puts the container in a child
 * of it, so the limits hold even where a rootless runtime silently drops its own.
 */
public interface JobCgroup extends AutoCloseable {

    /** The path to hand to the runtime as {@code linux.cgroupsPath}. */
    String runtimePath();

    /**
     * Compares the kernel's view with the plan: the process must sit below this cgroup in every
     * limited controller and each limit file must hold the planned value.
     *
     * @return every mismatch, empty when all is enforced
     */
    List<String> verify(long pid, Limits limits);

    CgroupUsage usage();

    /** Kills whatever still runs in the cgroup and removes it. */
    @Override
    void close();
}
