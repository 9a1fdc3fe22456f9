package dev.berth.engine;

import java.util.concurrent.CompletableFuture;

/** A job the engine has taken on: it can be stopped, and it reports its start and its end. */
public final class RunningJob {

    private final JobExecution execution;

    RunningJob(JobExecution execution) {
        this.execution = execution;
    }

    /** Completes when the job's program starts; never completes if it is refused before that. */
    public CompletableFuture<JobStart> started() {
        return execution.started();
    }

    /**
     * Completes as soon as the job's end is known: its program exited (or it was refused) and its
     * usage was read. Its container may still be being removed; see {@link #released()}.
     */
    public CompletableFuture<JobOutcome> outcome() {
        return execution.outcome();
    }

    /** Completes after {@link #outcome()}, once the container is gone and its cgroup, bundle and runtime state are removed. */
    public CompletableFuture<Void> released() {
        return execution.released();
    }

    /** SIGTERM, then SIGKILL after the grace period; a job not yet started never starts. Idempotent. */
    public void cancel() {
        execution.stop(TerminationReason.Cancelled, "cancelled on request");
    }
}
