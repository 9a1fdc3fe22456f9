package dev.berth.api.tenants;

import java.time.Instant;

/** A tenant as platform admins see it in the list: identity, host ID range and usage so far. */
public record TenantSummary(String id, String name, String organizationId, IdRangeView idRange, Instant createdAt, Usage usage) {

    public record IdRangeView(long hostStart, long size) {
    }

    /** Jobs ever submitted, jobs queued or running now, and the resources finished jobs used. */
    public record Usage(long jobs, long activeJobs, double cpuSeconds, double wallSeconds) {
    }
}
