package dev.berth.engine.cgroup;

/** Accounting read from a job's cgroup. */
public record CgroupUsage(long cpuNanos, long peakMemoryBytes, long oomKills) {
}
