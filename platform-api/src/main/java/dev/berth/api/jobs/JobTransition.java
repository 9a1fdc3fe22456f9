package dev.berth.api.jobs;

import dev.berth.api.lifecycle.JobReason;
import dev.berth.api.lifecycle.JobState;
import java.time.Instant;

/**
 * One server-sent event of {@code GET /jobs/{id}/events}: the job as a committed transition left it.
 *
 * @param state    the state it entered
 * @param attempt  the attempt it is on (0 while first queued)
 * @param reason   why, once there is a reason (e.g. {@code OOMKilled}, {@code TimedOut})
 * @param exitCode the process's exit code, once it ended
 * @param at       when the job was read in that state
 */
public record JobTransition(JobState state, int attempt, JobReason reason, Integer exitCode, Instant at) {

    static JobTransition of(JobView job) {
        return new JobTransition(job.state(), job.attempts(), job.reason(), job.exitCode(), Instant.now());
    }

    /** The event's id, unique along one job's life (a retry is a later attempt), for {@code Last-Event-ID}. */
    String id() {
        return attempt + "." + state;
    }
}
