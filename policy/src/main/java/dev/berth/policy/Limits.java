package dev.berth.policy;

/** The resource limits a job is promised and the engine must verify in the kernel. */
public record Limits(int cpuMillis, long memoryBytes, int pids, int openFiles, long scratchBytes) {
}
