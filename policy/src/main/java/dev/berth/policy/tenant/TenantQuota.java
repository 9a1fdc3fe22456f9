package dev.berth.policy.tenant;

/**
 * What one tenant's jobs may use together. Admission refuses a job that could never fit; the
 * dispatcher keeps jobs queued while the running ones use the rest. Every value is required but
 * {@code registryBytes}, the tenant's storage in the platform's registry, which came later: a
 * quota written before it existed (or without it) gets the default, so no stored or scripted quota
 * breaks.
 */
public record TenantQuota(
        Integer concurrentJobs,
        Integer cpuMillis,
        Integer memoryMiB,
        Integer pids,
        Long logBytes,
        Integer jobsPerHour,
        Long registryBytes) {

    /** 10 GiB of pushed images. */
    public static final long DEFAULT_REGISTRY_BYTES = 10L << 30;

    public TenantQuota {
        registryBytes = registryBytes == null ? DEFAULT_REGISTRY_BYTES : registryBytes;
    }

    /** A quota with the default registry storage. */
    public TenantQuota(Integer concurrentJobs, Integer cpuMillis, Integer memoryMiB, Integer pids, Long logBytes, Integer jobsPerHour) {
        this(concurrentJobs, cpuMillis, memoryMiB, pids, logBytes, jobsPerHour, null);
    }

    /** Room for a few jobs at the platform's per-job ceilings. */
    public static TenantQuota defaults() {
        return new TenantQuota(4, 4000, 8192, 4096, 1L << 30, 600);
    }
}
