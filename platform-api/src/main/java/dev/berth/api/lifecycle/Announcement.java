package dev.berth.api.lifecycle;

import java.util.UUID;

/**
 * What one transition tells the other replicas through PostgreSQL's {@code NOTIFY}, as the JSON
 * payload of {@link JobAnnouncements#CHANNEL}. {@code NOTIFY} is transactional: it reaches the
 * listeners when the transition commits and never when it rolls back.
 *
 * @param kind    the job's new state, {@link Kind#CANCEL_REQUESTED} for a cancel asked of a running job, or
 *                {@link Kind#OUTPUT} for more of its output stored
 * @param replica the replica that made the change; it has told its own observers already
 */
record Announcement(Kind kind, UUID id, String tenant, String replica) {

    enum Kind {
        QUEUED, STARTING, RUNNING, SUCCEEDED, FAILED, CANCELLED, CANCEL_REQUESTED, OUTPUT;

        static Kind of(JobState state) {
            return valueOf(state.name());
        }

        JobState state() {
            return JobState.valueOf(name());
        }
    }
}
