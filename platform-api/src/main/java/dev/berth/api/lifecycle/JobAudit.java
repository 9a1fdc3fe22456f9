package dev.berth.api.lifecycle;

import dev.berth.api.audit.AuditEntry;
import dev.berth.api.audit.chain.ChainHash;
import dev.berth.policy.Decision;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.egress.EgressRule;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/** The audit entries of a job's life, one per transition of {@link JobLifecycle} that has one. */
final class JobAudit {

    private JobAudit() {
    }

    /**
     * Admitted and queued; the digest covers the execution plan that will run, the rules say why it
     * looks so. A job that may reach the network names its destinations here too, so that a
     * review of the log alone shows where jobs were let out to.
     */
    static AuditEntry submitted(Job job, ExecutionPlan plan) {
        AuditEntry entry = AuditEntry.success("job.submit", job.tenant, target(job))
                .ruleIds(plan.decisions().stream().map(Decision::rule).toList()).securityDigest(digest(job.planJson));
        return plan.egress().isEmpty() ? entry
                : entry.reason("network " + plan.network() + " to " + plan.egress().stream().map(EgressRule::toString).collect(Collectors.joining(", ")));
    }

    /** A tenant asked to stop the job; the reason says whether it ended at once (it was queued) or is being stopped. */
    static AuditEntry cancelRequested(Job job) {
        return AuditEntry.success("job.cancel", job.tenant, target(job)).reason("requested; the job is " + job.state);
    }

    /** Let through the start gate; the digest covers the security configuration the engine found in force. */
    static AuditEntry started(Job job) {
        return AuditEntry.success("job.start", job.tenant, target(job)).securityDigest(digest(job.securityJson));
    }

    /** Ended, in any way: the reason carries the engine's word (OOMKilled, TimedOut, EnforcementUnavailable, ...). */
    static AuditEntry ended(Job job) {
        AuditEntry entry = job.state == JobState.FAILED ? AuditEntry.failure("job.end", job.tenant, target(job))
                : AuditEntry.success("job.end", job.tenant, target(job));
        return entry.reason(job.state + (job.reason == null ? "" : " " + job.reason)).securityDigest(digest(job.securityJson));
    }

    /** One attempt failed and the job is queued again: the reason keeps the engine's word for it. */
    static AuditEntry attemptFailed(Job job, int attempt, JobReason reason) {
        return AuditEntry.failure("job.attempt.end", job.tenant, target(job))
                .reason("attempt " + attempt + " of " + job.maxAttempts + " " + reason + "; retrying")
                .securityDigest(digest(job.securityJson));
    }

    /** {@code sha256:<hex>} of a stored JSON document, or null when there is none. */
    static String digest(String json) {
        return json == null ? null : "sha256:" + ChainHash.hex(ChainHash.sha256().digest(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static String target(Job job) {
        return "job/" + job.id;
    }
}
