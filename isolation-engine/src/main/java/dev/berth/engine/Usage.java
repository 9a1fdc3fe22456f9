package dev.berth.engine;

/** What a job consumed, read from its cgroup once it ended. */
public record Usage(double cpuSeconds, long peakMemoryBytes, double wallSeconds) {
}
