package dev.berth.api.dispatch;

import dev.berth.api.lifecycle.Job;
import dev.berth.engine.RunningJob;
import dev.berth.policy.ExecutionPlan;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * An attempt this replica claimed: what it holds of the host from the claim on, its container
 * once started, and {@link #done} once its end is recorded and its container removed. Until the
 * container starts (while its image is fetched) a stop abandons it instead: exactly one of a
 * start and an abandonment happens, so an attempt is never both started and ended unstarted.
 */
final class ClaimedAttempt {

    final Job job;
    final ExecutionPlan plan;
    final int attempt;
    final long epoch;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private RunningJob handle;
    private boolean abandoned;

    ClaimedAttempt(Job job, ExecutionPlan plan) {
        this.job = job;
        this.plan = plan;
        this.attempt = job.attempts;
        this.epoch = job.leaseEpoch;
    }

    int cpuMillis() {
        return job.cpuMillis;
    }

    int memoryMiB() {
        return job.memoryMiB;
    }

    /**
     * Starts the container unless the attempt was abandoned first.
     *
     * @return the container; empty when the attempt was abandoned (its end is someone else's to record)
     */
    synchronized Optional<RunningJob> start(Supplier<RunningJob> starter) {
        if (abandoned) {
            return Optional.empty();
        }
        handle = starter.get();
        return Optional.of(handle);
    }

    /**
     * Stops the container, or abandons the attempt when it has none yet.
     *
     * @return true when this call abandoned it: the caller ends the attempt and completes {@link #done}
     */
    synchronized boolean stop() {
        if (handle != null) {
            handle.cancel();
            return false;
        }
        return abandon();
    }

    /** @return true when this call abandoned an attempt that had no container yet */
    synchronized boolean abandon() {
        if (handle != null || abandoned) {
            return false;
        }
        abandoned = true;
        return true;
    }
}
