package dev.berth.api.audit.chain;

/**
 * What a verification found.
 *
 * @param valid          true when every event and checkpoint checked out
 * @param eventsChecked  events whose hash was recomputed and matched
 * @param firstBadSeq    the first sequence number that failed, or null when valid
 * @param problem        why it failed, or null when valid
 * @param lastCheckpoint the last checkpoint whose signature and head hash both matched
 * @param unsignedEvents events after the last matching checkpoint: chained, but not yet vouched
 *                       for by a signature, so a truncation among them would go unnoticed
 */
public record VerifyResult(boolean valid, long eventsChecked, Long firstBadSeq, String problem,
        Checkpoint lastCheckpoint, long unsignedEvents) {

    public String summary() {
        String anchor = lastCheckpoint == null ? "no signed checkpoint"
                : "last signed checkpoint at sequence number " + lastCheckpoint.seq() + " (" + Timestamps.format(lastCheckpoint.time())
                        + ", key " + lastCheckpoint.keyId() + ")";
        if (valid) {
            return "valid: " + eventsChecked + " events checked, " + anchor
                    + (unsignedEvents > 0 ? "; " + unsignedEvents + " newer event(s) are not covered by a checkpoint yet" : "");
        }
        return "INVALID: first bad sequence number " + firstBadSeq + ": " + problem + " (" + eventsChecked
                + " events before it checked out; " + anchor + ")";
    }
}
