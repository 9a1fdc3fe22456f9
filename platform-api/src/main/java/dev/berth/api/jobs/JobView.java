package dev.berth.api.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.json.StoredJson;
import dev.berth.api.lifecycle.JobReason;
import dev.berth.api.lifecycle.JobState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A job as the API shows it to its tenant. {@code retryAt} is set while a failed attempt waits
 * for the next; {@code history} (every attempt) is shown for a single job, not in lists. The
 * documents the platform stored (effective security, decisions, data) are passed on as stored.
 */
public record JobView(
        UUID id,
        String tenant,
        JobState state,
        JobReason reason,
        String detail,
        Integer exitCode,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        int attempts,
        int maxAttempts,
        Instant retryAt,
        Instant cancelRequestedAt,
        JsonNode labels,
        ImageView image,
        UsageView usage,
        @Schema(implementation = Map.class) StoredJson effectiveSecurity,
        @Schema(implementation = Object[].class) StoredJson decisions,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(implementation = Map.class) StoredJson data,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<AttemptView> history) {

    public record ImageView(String reference, String digest) {
    }

    public record UsageView(Double cpuSeconds, Long peakMemoryBytes, Double wallSeconds) {
    }

    /** One attempt: when it was claimed, started and ended, by which replica, and how it ended. */
    public record AttemptView(int attempt, String runner, Instant claimedAt, Instant startedAt, Instant finishedAt,
                              String outcome, String reason, String detail, Integer exitCode, UsageView usage) {
    }
}
