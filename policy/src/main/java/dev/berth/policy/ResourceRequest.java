package dev.berth.policy;

/** Requested resources of a job; absent values take the platform defaults. */
public record ResourceRequest(Integer cpuMillis, Integer memoryMiB, Integer pids, Integer scratchMiB) {

    /** Below these a job cannot do useful work (a shell alone needs a few MiB and processes). */
    public static final int MIN_CPU_MILLIS = 10;
    public static final int MIN_MEMORY_MIB = 8;
    public static final int MIN_PIDS = 8;
    public static final int MIN_SCRATCH_MIB = 1;
}
