package dev.berth.policy.tenant;

/**
 * What one tenant's jobs may use together. Admission refuses a job that could never fit; the
 * dispatcher keeps jobs queued while the running ones use the rest. Every value is required but
 * the two that came later, {@code registryBytes} (the tenant's storage in the platform's registry)
 * and {@code artifactBytes} (its jobs' stored artifacts): a quota written before they existed (or
 * without them) gets their defaults, so no stored or scripted quota breaks.
 */
public record TenantQuota(
        Integer concurrentJobs,
        Integer cpuMillis,
        Integer memoryMiB,
        Integer pids,
        Long logBytes,
        Integer jobsPerHour,
        Long registryBytes,
        Long artifactBytes) {

    /** 10 GiB of pushed images. */
    public static final long DEFAULT_REGISTRY_BYTES = 10L << 30;
    /** 1 GiB of stored artifacts, what logs get by default. */
    public static final long DEFAULT_ARTIFACT_BYTES = 1L << 30;

    public TenantQuota {
        registryBytes = registryBytes == null ? DEFAULT_REGISTRY_BYTES : registryBytes;
        artifactBytes = artifactBytes == null ? DEFAULT_ARTIFACT_BYTES : artifactBytes;
    }

    /** A quota with the default artifact storage. */
    public TenantQuota(Integer concurrentJobs, Integer cpuMillis, Integer memoryMiB, Integer pids, Long logBytes, Integer jobsPerHour,
            Long registryBytes) {
        this(concurrentJobs, cpuMillis, memoryMiB, pids, logBytes, jobsPerHour, registryBytes, null);
    }

    /** A quota with the default registry and artifact storage. */
    public TenantQuota(Integer concurrentJobs, Integer cpuMillis, Integer memoryMiB, Integer pids, Long logBytes, Integer jobsPerHour) {
        this(concurrentJobs, cpuMillis, memoryMiB, pids, logBytes, jobsPerHour, null, null);
    }

    /** Room for a few jobs at the platform's per-job ceilings. */
    public static TenantQuota defaults() {
        return new TenantQuota(4, 4000, 8192, 4096, 1L << 30, 600);
    }
}
