package dev.berth.api.lifecycle;

import dev.berth.engine.Usage;
import java.time.Instant;
import java.util.UUID;

/**
 * An attempt ended. {@code jobState} is the job's state it left: final, or QUEUED again for a
 * retry. Fired inside the transition's transaction, like {@link AttemptStarted}.
 *
 * @param usage what the attempt consumed; zero when it never ran or could no longer be measured
 */
public record AttemptEnded(UUID id, String tenant, int attempt, JobState jobState, Usage usage, Instant endedAt) {
}
