package dev.berth.api.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/** A job as the API shows it to its tenant. */
public record JobView(
        UUID id,
        String tenant,
        JobState state,
        String reason,
        String detail,
        Integer exitCode,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        int attempts,
        ImageView image,
        UsageView usage,
        JsonNode effectiveSecurity,
        JsonNode decisions) {

    public record ImageView(String reference, String digest) {
    }

    public record UsageView(Double cpuSeconds, Long peakMemoryBytes, Double wallSeconds) {
    }
}
