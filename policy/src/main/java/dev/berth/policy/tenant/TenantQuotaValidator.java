package dev.berth.policy.tenant;

import dev.berth.policy.Violation;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a tenant quota before it is stored and again at admission. Zero is allowed and means
 * "none of this", which is how an admin pauses a tenant; absent values are refused because a
 * guess either way (unlimited, or nothing) would surprise someone.
 */
public final class TenantQuotaValidator {

    private TenantQuotaValidator() {
    }

    public static List<Violation> validate(TenantQuota quota) {
        List<Violation> violations = new ArrayList<>();
        check(violations, "concurrentJobs", quota.concurrentJobs());
        check(violations, "cpuMillis", quota.cpuMillis());
        check(violations, "memoryMiB", quota.memoryMiB());
        check(violations, "pids", quota.pids());
        check(violations, "logBytes", quota.logBytes());
        check(violations, "jobsPerHour", quota.jobsPerHour());
        check(violations, "registryBytes", quota.registryBytes());
        check(violations, "artifactBytes", quota.artifactBytes());
        check(violations, "uploadBytes", quota.uploadBytes());
        return List.copyOf(violations);
    }

    private static void check(List<Violation> violations, String field, Number value) {
        if (value == null) {
            violations.add(new Violation("quota.required", field, "set " + field + " (0 means none)"));
        } else if (value.longValue() < 0) {
            violations.add(new Violation("quota.range", field, "must not be negative, got " + value));
        }
    }
}
