package dev.berth.policy;

import dev.berth.policy.tenant.TenantQuota;
import dev.berth.policy.tenant.TenantQuotaValidator;
import java.util.List;

/**
 * Quota at submission: a job is refused if it could never run under the tenant's quota. Whether
 * there is room right now is the dispatcher's question; the job waits in the queue for that.
 */
final class QuotaRule {

    private QuotaRule() {
    }

    /** False if the quota itself is unusable, so per-job quota bounds cannot be computed. */
    static boolean check(AdmissionContext context, Findings findings) {
        TenantQuota quota = context.quota();
        List<Violation> incomplete = TenantQuotaValidator.validate(quota);
        if (!incomplete.isEmpty()) {
            findings.refuse("quota.invalid", "", "tenant " + context.tenant() + "'s quota is incomplete or negative ("
                    + incomplete.getFirst().field() + ": " + incomplete.getFirst().message() + "); a platform admin has to fix it");
            return false;
        }
        if (quota.concurrentJobs() < 1) {
            findings.refuse("quota.concurrent-jobs", "", "tenant " + context.tenant()
                    + "'s quota allows no running jobs (concurrentJobs 0); ask a platform admin to raise it");
        }
        if (quota.jobsPerHour() < 1) {
            findings.refuse("quota.jobs-per-hour", "", "tenant " + context.tenant()
                    + "'s quota allows no jobs per hour (jobsPerHour 0); ask a platform admin to raise it");
        }
        return true;
    }
}
