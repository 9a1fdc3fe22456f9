package dev.berth.engine.data;

import java.nio.file.Path;

/**
 * One file kept from a job's scratch: its path inside the job without the leading '/', its size
 * and digest, and where the engine left its bytes for the caller to store.
 */
public record CollectedArtifact(String name, long bytes, String sha256, Path file) {
}
