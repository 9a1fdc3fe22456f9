package dev.berth.api.jobs;

/** Where a job is in its life; the last three are final. */
public enum JobState {
    QUEUED, STARTING, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
