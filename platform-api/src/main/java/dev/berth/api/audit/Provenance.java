package dev.berth.api.audit;

import dev.berth.api.audit.chain.AuditEvent;
import java.time.Instant;

/** Who acted and through which request: the part of an event the calling service does not know. */
public record Provenance(AuditEvent.Actor actor, String requestId, String sourceAddress, String userAgent) {

    /** Work the platform does on its own: dispatching, engine outcomes, restarts. */
    public static final Provenance PLATFORM = new Provenance(AuditEvent.Actor.PLATFORM, null, null, null);

    AuditEvent event(AuditEntry entry, long seq, Instant time) {
        return new AuditEvent(seq, time, actor, entry.tenant(), entry.action(), entry.target(), entry.outcome().text(),
                entry.reason(), entry.ruleIds(), requestId, sourceAddress, userAgent, entry.securityDigest());
    }
}
