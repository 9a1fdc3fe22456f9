package dev.berth.engine;

import java.util.Optional;

/**
 * How a job ended.
 *
 * @param exitCode  the job's exit status, or 128 + signal when a signal ended it; empty when it never ran
 * @param reason    why the platform ended it, when it did
 * @param detail    a human explanation of {@code reason}
 * @param security  what was enforced, when the container was created
 * @param imageDigest the digest of the image that ran
 */
public record JobOutcome(
        Optional<Integer> exitCode,
        Optional<TerminationReason> reason,
        String detail,
        Usage usage,
        Optional<EffectiveSecurity> security,
        String imageDigest) {

    public boolean succeeded() {
        return reason.isEmpty() && exitCode.orElse(-1) == 0;
    }
}
