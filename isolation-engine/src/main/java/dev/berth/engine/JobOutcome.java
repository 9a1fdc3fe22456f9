package dev.berth.engine;

import dev.berth.engine.data.ArtifactReport;
import java.util.Optional;

/**
 * How a job ended.
 *
 * @param exitCode  the job's exit status, or 128 + signal when a signal ended it; empty when it never ran
 * @param reason    why the platform ended it, when it did
 * @param detail    a human explanation of {@code reason}
 * @param security  what was enforced, when the container was created
 * @param imageDigest the digest of the image that ran
 * @param artifacts what was collected of the job's scratch after it ended
 */
public record JobOutcome(
        Optional<Integer> exitCode,
        Optional<TerminationReason> reason,
        String detail,
        Usage usage,
        Optional<EffectiveSecurity> security,
        String imageDigest,
        ArtifactReport artifacts) {

    public JobOutcome(Optional<Integer> exitCode, Optional<TerminationReason> reason, String detail, Usage usage,
                      Optional<EffectiveSecurity> security, String imageDigest) {
        this(exitCode, reason, detail, usage, security, imageDigest, ArtifactReport.NONE);
    }

    public JobOutcome withArtifacts(ArtifactReport collected) {
        return new JobOutcome(exitCode, reason, detail, usage, security, imageDigest, collected);
    }

    public boolean succeeded() {
        return reason.isEmpty() && exitCode.orElse(-1) == 0;
    }
}
