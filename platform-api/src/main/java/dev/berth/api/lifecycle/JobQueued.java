package dev.berth.api.lifecycle;

import java.util.UUID;

/**
 * A job was committed as QUEUED. Fired inside the submitting transaction; observers that act on
 * the queue observe it {@code during = TransactionPhase.AFTER_SUCCESS}, when the job is visible
 * to every other transaction, and never hear of a submission that rolled back.
 */
public record JobQueued(UUID id, String tenant) {
}
