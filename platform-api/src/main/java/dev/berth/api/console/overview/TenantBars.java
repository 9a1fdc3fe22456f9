package dev.berth.api.console.overview;

import dev.berth.api.usage.QuotaView;
import dev.berth.policy.tenant.TenantQuota;
import java.util.List;
import java.util.Locale;

/**
 * One tenant's use of its quota as bars: what its starting and running jobs hold against each
 * limit, and what it stores (logs, registry images, artifacts).
 */
public record TenantBars(String tenant, long queued, List<Bar> bars) {

    private static final String BYTES = "bytes";

    /**
     * {@code scale} is the meter's maximum: the limit, or 1 for a limit of 0 (none allowed), so the
     * meter still draws; {@code high} marks the last fifth as nearly full. {@code used} is null when
     * it could not be counted (the registry did not answer).
     */
    public record Bar(String key, String label, Long used, long limit, String unit) {

        public long value() {
            return used == null ? 0 : used;
        }

        public long scale() {
            return Math.max(limit, Math.max(value(), 1));
        }

        public double high() {
            return scale() * 0.8;
        }

        public String text() {
            if (used == null) {
                return "not known now (the registry did not answer) of " + amount(limit);
            }
            return limit == 0 ? amount(used) + " (quota 0: none allowed)" : amount(used) + " of " + amount(limit);
        }

        private String amount(long value) {
            if (!unit.equals(BYTES)) {
                return value + " " + unit;
            }
            if (value < 1024) {
                return value + " bytes";
            }
            String[] units = {"KiB", "MiB", "GiB", "TiB"};
            double scaled = value / 1024.0;
            int step = 0;
            while (scaled >= 1024 && step < units.length - 1) {
                scaled /= 1024;
                step++;
            }
            return String.format(Locale.ROOT, "%.1f %s", scaled, units[step]);
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
                new Bar("rate", "Starts last hour", inUse.jobsLastHour(), quota.jobsPerHour(), "jobs"),
                new Bar("logs", "Logs kept", inUse.logBytes(), quota.logBytes(), BYTES),
                new Bar("registry", "Registry storage", inUse.registryBytes(), quota.registryBytes(), BYTES),
                new Bar("artifacts", "Artifact storage", inUse.artifactBytes(), quota.artifactBytes(), BYTES),
                new Bar("uploads", "Upload storage", inUse.uploadBytes(), quota.uploadBytes(), BYTES)));
    }
}
