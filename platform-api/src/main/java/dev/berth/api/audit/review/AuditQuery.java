package dev.berth.api.audit.review;

import java.time.Instant;

/** Filters of {@code GET /api/v1/audit}; null means "any". {@code to} is exclusive. */
public record AuditQuery(String tenant, String actor, String action, String outcome, Instant from, Instant to,
        Cursor after, int limit) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
}
