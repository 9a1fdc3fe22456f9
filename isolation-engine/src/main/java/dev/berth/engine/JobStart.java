package dev.berth.engine;

import java.time.Instant;

/** The moment a job's program was let through the start gate, with what was enforced on it. */
public record JobStart(Instant startedAt, EffectiveSecurity security, String imageDigest) {
}
