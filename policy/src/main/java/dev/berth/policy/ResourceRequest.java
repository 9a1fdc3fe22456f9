package dev.berth.policy;

/** Requested resources of a job; absent values take the platform defaults. */
public record ResourceRequest(Integer cpuMillis, Integer memoryMiB, Integer pids, Integer scratchMiB) {
}
