package dev.berth.policy.tenant;

/**
 * What one tenant's jobs may use together. Admission refuses a job that could never fit; the
 * dispatcher keeps jobs queued while the running ones use the rest. Every value is required but
 * the storage quotas that came later, {@code registryBytes} (the tenant's storage in the platform's
 * registry), {@code artifactBytes} (its jobs' stored artifacts) and {@code uploadBytes} (its stored
 * input uploads): a quota written before they existed (or without them) gets their defaults, so no
 * stored or scripted quota breaks.
 */
public record TenantQuota(
        Integer concurrentJobs,
        Integer cpuMillis,
        Integer memoryMiB,
        Integer pids,
        Long logBytes,
        Integer jobsPerHour,
        Long registryBytes,
        Long artifactBytes,
        Long uploadBytes) {

    /** 10 GiB of pushed images. */
    public static final long DEFAULT_REGISTRY_BYTES = 10L << 30;
    /** 1 GiB of stored artifacts, what logs get by default. */
    public static final long DEFAULT_ARTIFACT_BYTES = 1L << 30;
    /** 10 GiB of stored input uploads, as much as the registry gets: forty uploads at the default cap of 256 MiB. */
    public static final long DEFAULT_UPLOAD_BYTES = 10L << 30;

    public TenantQuota {
        registryBytes = registryBytes == null ? DEFAULT_REGISTRY_BYTES : registryBytes;
        artifactBytes = artifactBytes == null ? DEFAULT_ARTIFACT_BYTES : artifactBytes;
        uploadBytes = uploadBytes == null ? DEFAULT_UPLOAD_BYTES : uploadBytes;
    }

    /** A quota with the default upload storage. */
    public TenantQuota(Integer concurrentJobs, Integer cpuMillis, Integer memoryMiB, Integer pids, Long logBytes, Integer jobsPerHour,
            Long registryBytes, Long artifactBytes) {
        this(concurrentJobs, cpuMillis, memoryMiB, pids, logBytes, jobsPerHour, registryBytes, artifactBytes, null);
    }

    /** A quota with the default artifact and upload storage. */
    public TenantQuota(Integer concurrentJobs, Integer cpuMillis, Integer memoryMiB, Integer pids, Long logBytes, Integer jobsPerHour,
            Long registryBytes) {
        this(concurrentJobs, cpuMillis, memoryMiB, pids, logBytes, jobsPerHour, registryBytes, null, null);
    }

    /** A quota with the default registry, artifact and upload storage. */
    public TenantQuota(Integer concurrentJobs, Integer cpuMillis, Integer memoryMiB, Integer pids, Long logBytes, Integer jobsPerHour) {
        this(concurrentJobs, cpuMillis, memoryMiB, pids, logBytes, jobsPerHour, null, null, null);
    }

    /** Room for a few jobs at the platform's per-job ceilings. */
    public static TenantQuota defaults() {
        return new TenantQuota(4, 4000, 8192, 4096, 1L << 30, 600);
    }
}
