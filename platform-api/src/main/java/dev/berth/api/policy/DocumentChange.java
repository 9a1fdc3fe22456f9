package dev.berth.api.policy;

/**
 * The reason of a {@code tenant.policy.update} or {@code tenant.quota.update} audit event: the
 * stored document before the change (null when none was stored and the defaults applied) and
 * after it, so the audit log alone shows what an admin changed.
 */
public record DocumentChange(Object before, Object after) {
}
