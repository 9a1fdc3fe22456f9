package dev.berth.api.console.overview;

import dev.berth.api.usage.QuotaView;
import dev.berth.policy.tenant.TenantQuota;
import java.util.List;

/** One tenant's use of its quota as bars: what its starting and running jobs hold against each limit. */
public record TenantBars(String tenant, long queued, List<Bar> bars) {

    /**
     * {@code scale} is the meter's maximum: the limit, or 1 for a limit of 0 (none allowed), so the
     * meter still draws; {@code high} marks the last fifth as nearly full.
     */
    public record Bar(String key, String label, long used, long limit, String unit) {

        public long scale() {
            return Math.max(limit, Math.max(used, 1));
        }

        public double high() {
            return scale() * 0.8;
        }

        public String text() {
            return limit == 0 ? used + " " + unit + " (quota 0: none allowed)" : used + " of " + limit + " " + unit;
        }
    }

    public static TenantBars of(QuotaView view) {
        TenantQuota quota = view.quota();
        QuotaView.InUse inUse = view.inUse();
        return new TenantBars(view.tenant(), view.queued(), List.of(
                new Bar("jobs", "Running jobs", inUse.concurrentJobs(), quota.concurrentJobs(), "jobs"),
                new Bar("cpu", "CPU", inUse.cpuMillis(), quota.cpuMillis(), "millicores"),
                new Bar("memory", "Memory", inUse.memoryMiB(), quota.memoryMiB(), "MiB"),
                new Bar("pids", "Processes", inUse.pids(), quota.pids(), "pids"),
                new Bar("rate", "Starts last hour", inUse.jobsLastHour(), quota.jobsPerHour(), "jobs")));
    }
}
