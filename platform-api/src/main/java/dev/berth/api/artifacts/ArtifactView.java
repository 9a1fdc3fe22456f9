package dev.berth.api.artifacts;

import java.time.Instant;

/** One collected file; download it at {@code GET /api/v1/jobs/{id}/artifacts/{name}}. */
public record ArtifactView(String name, int attempt, long bytes, String sha256, Instant createdAt) {
}
