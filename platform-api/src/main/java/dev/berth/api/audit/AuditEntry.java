package dev.berth.api.audit;

import java.util.List;
import java.util.Locale;

/**
 * What a service tells the audit log about one change or denial. Who did it and from where is
 * added by {@link AuditLog} from the current request (or the platform itself, off-request).
 *
 * <pre>{@code audit.record(AuditEntry.success("tenant.quota.update", tenant, "tenant/" + tenant).reason("cpu 4000m"));}</pre>
 *
 * @param action         dotted verb, {@code <object>.<verb>}: {@code job.submit}, {@code tenant.register}
 * @param tenant         the tenant concerned, or null for platform-wide changes
 * @param target         the object acted on, e.g. {@code job/<id>}
 * @param outcome        success, denied or failure
 * @param reason         the API's reason word or a short explanation
 * @param ruleIds        policy rules that refused or shaped the request
 * @param securityDigest SHA-256 of the effective security configuration (job admissions and starts)
 */
public record AuditEntry(String action, String tenant, String target, Outcome outcome, String reason,
        List<String> ruleIds, String securityDigest) {

    public AuditEntry {
        ruleIds = ruleIds == null ? List.of() : List.copyOf(ruleIds);
    }

    public enum Outcome {
        SUCCESS, DENIED, FAILURE;

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static AuditEntry success(String action, String tenant, String target) {
        return new AuditEntry(action, tenant, target, Outcome.SUCCESS, null, List.of(), null);
    }

    public static AuditEntry denied(String action, String tenant, String target) {
        return new AuditEntry(action, tenant, target, Outcome.DENIED, null, List.of(), null);
    }

    public static AuditEntry failure(String action, String tenant, String target) {
        return new AuditEntry(action, tenant, target, Outcome.FAILURE, null, List.of(), null);
    }

    public AuditEntry reason(String why) {
        return new AuditEntry(action, tenant, target, outcome, why, ruleIds, securityDigest);
    }

    public AuditEntry ruleIds(List<String> rules) {
        return new AuditEntry(action, tenant, target, outcome, reason, rules, securityDigest);
    }

    public AuditEntry securityDigest(String digest) {
        return new AuditEntry(action, tenant, target, outcome, reason, ruleIds, digest);
    }
}
