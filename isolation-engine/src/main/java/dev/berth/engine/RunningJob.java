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

    /** Completes once the container is gone and everything it used is cleaned up. */
    public CompletableFuture<JobOutcome> outcome() {
        return execution.outcome();
    }

    /** SIGTERM, then SIGKILL after the grace period; a job not yet started never starts. Idempotent. */
    public void cancel() {
        execution.stop(TerminationReason.Cancelled, "cancelled on request");
    }
}
