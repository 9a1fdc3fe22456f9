package dev.berth.api.lifecycle;

import java.util.UUID;

/**
 * A job's state changed, on this replica or (heard through {@link JobAnnouncements}) on another
 * one sharing the database. Fired inside the transition's transaction; observers that read the
 * job observe it {@code during = TransactionPhase.AFTER_SUCCESS}, when the change is visible to
 * every other transaction, and never hear of one that rolled back.
 */
public record JobChanged(UUID id, String tenant, JobState state) {
}
