package dev.berth.api.audit;

import dev.berth.api.audit.chain.ChainHash;
import dev.berth.api.jobs.Job;
import dev.berth.api.jobs.JobState;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The audit entries of a job's life, so the job services record each with one line. */
public final class JobAudit {

    private JobAudit() {
    }

    /** Admitted and queued; the digest covers the execution plan that will run, the rules say why it looks so. */
    public static AuditEntry submitted(Job job, List<String> rules) {
        return AuditEntry.success("job.submit", job.tenant, target(job)).ruleIds(rules).securityDigest(digest(job.planJson));
    }

    /** Let through the start gate; the digest covers the security configuration the engine found in force. */
    public static AuditEntry started(Job job) {
        return AuditEntry.success("job.start", job.tenant, target(job)).securityDigest(digest(job.securityJson));
    }

    /** Ended, in any way: the reason carries the engine's word (OOMKilled, TimedOut, EnforcementUnavailable, ...). */
    public static AuditEntry ended(Job job) {
        AuditEntry entry = job.state == JobState.FAILED ? AuditEntry.failure("job.end", job.tenant, target(job))
                : AuditEntry.success("job.end", job.tenant, target(job));
        return entry.reason(job.state + (job.reason == null ? "" : " " + job.reason)).securityDigest(digest(job.securityJson));
    }

    /** One attempt failed and the job is queued again: the reason keeps the engine's word for it. */
    public static AuditEntry attemptFailed(Job job, int attempt, String reason) {
        return AuditEntry.failure("job.attempt.end", job.tenant, target(job))
                .reason("attempt " + attempt + " of " + job.maxAttempts + " " + reason + "; retrying")
                .securityDigest(digest(job.securityJson));
    }

    /** {@code sha256:<hex>} of a stored JSON document, or null when there is none. */
    public static String digest(String json) {
        return json == null ? null : "sha256:" + ChainHash.hex(ChainHash.sha256().digest(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static String target(Job job) {
        return "job/" + job.id;
    }
}
