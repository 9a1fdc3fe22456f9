package dev.berth.api.lifecycle;

import java.util.UUID;

/**
 * More of a job's output is in the shared log store, on this replica or another. Followers of the
 * job's logs observe it {@code during = TransactionPhase.AFTER_SUCCESS}, when the bytes are visible.
 */
public record OutputAppended(UUID id, String tenant) {
}
