package dev.berth.api.lifecycle;

import java.time.Instant;
import java.util.UUID;

/**
 * An attempt passed the start gate and runs. Fired inside the transition's transaction: an
 * observer that records it (usage history) commits or rolls back together with the job's row.
 */
public record AttemptStarted(UUID id, String tenant, int attempt, Instant startedAt) {
}
