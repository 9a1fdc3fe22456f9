package dev.berth.engine.cgroup;

/**
 * Accounting read from a job's cgroup.
 *
 * @param oomKills        OOM kills the kernel counted below the job's cgroup
 * @param memoryLimitHit  usage reached the memory limit at some point. On cgroup v1 the kill is
 *                        counted only in the container's own cgroup, which the runtime removes on
 *                        exit, so a SIGKILL with the peak at the limit is how an OOM kill shows there.
 */
public record CgroupUsage(long cpuNanos, long peakMemoryBytes, long oomKills, boolean memoryLimitHit) {
}
