package dev.berth.api.inputs;

import java.time.Instant;
import java.util.UUID;

/** An uploaded input tar: name it in a job's {@code inputs.upload}. */
public record UploadView(UUID id, long bytes, long unpackedBytes, String sha256, Instant createdAt) {
}
