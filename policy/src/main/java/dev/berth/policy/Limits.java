package dev.berth.policy;

/** The resource limits a job is promised and the engine must verify in the kernel. */
public record Limits(int cpuMillis, long memoryBytes, int pids, int openFiles, long scratchBytes) {

    /** The CFS period every CPU quota is expressed in, on cgroup v1 and v2 alike. */
    public static final long CPU_PERIOD_MICROS = 100_000;

    /** CPU time the job may use per {@link #CPU_PERIOD_MICROS}. */
    public long cpuQuotaMicros() {
        return cpuMillis * CPU_PERIOD_MICROS / 1000;
    }
}
