package dev.berth.api.usage;

import dev.berth.policy.tenant.TenantQuota;

/**
 * A tenant's quota next to what it uses now, and what its jobs consumed so far.
 *
 * @param inUse    what the tenant's starting and running jobs hold, logs kept, claims in the last hour,
 *                 images stored in the registry (null when the registry cannot be asked), artifacts stored and
 *                 input uploads stored, in the quota's own terms
 * @param queued   jobs waiting (including retries waiting out their backoff)
 * @param consumed totals over every finished attempt
 */
public record QuotaView(String tenant, TenantQuota quota, InUse inUse, long queued, Consumed consumed) {

    public record InUse(long concurrentJobs, long cpuMillis, long memoryMiB, long pids, long logBytes, long jobsLastHour, Long registryBytes,
                        long artifactBytes, long uploadBytes) {
    }

    public record Consumed(long attempts, double cpuSeconds, double wallSeconds, long peakMemoryBytes) {
    }
}
