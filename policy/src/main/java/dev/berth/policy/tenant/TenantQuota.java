package dev.berth.policy.tenant;

/**
 * What one tenant's jobs may use together. Admission refuses a job that could never fit; the
 * dispatcher keeps jobs queued while the running ones use the rest. Every value is required.
 */
public record TenantQuota(
        Integer concurrentJobs,
        Integer cpuMillis,
        Integer memoryMiB,
        Integer pids,
        Long logBytes,
        Integer jobsPerHour) {

    /** Room for a few jobs at the platform's per-job ceilings. */
    public static TenantQuota defaults() {
        return new TenantQuota(4, 4000, 8192, 4096, 1L << 30, 600);
    }
}
