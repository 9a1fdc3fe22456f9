package dev.berth.api.audit.chain;

import java.security.PublicKey;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Walks a chain event by event, as the database or an export yields it, and stops at the first
 * thing that does not check out. Used by {@code GET /api/v1/audit/verify} and by the offline
 * {@code berth audit verify}.
 *
 * <p>How each kind of tampering shows, and which sequence number is named:
 * <ul>
 *   <li>a changed byte in an event: its recomputed hash differs from the stored one (that event);</li>
 *   <li>a dropped, inserted or swapped event: the sequence numbers stop counting up by one (the
 *       lower of the expected and the found number);</li>
 *   <li>an event rewritten together with a recomputed hash: the next event's hash no longer fits,
 *       or the next checkpoint's signed head differs (the first event that fails);</li>
 *   <li>a cut-off tail: a checkpoint vouches for events that are not there (the first missing one);</li>
 *   <li>a forged or altered checkpoint: its Ed25519 signature fails (its sequence number).</li>
 * </ul>
 */
public final class ChainVerifier {

    private final Map<String, PublicKey> keys;
    private final TreeMap<Long, Checkpoint> pending = new TreeMap<>();
    private byte[] previous = ChainHash.genesis();
    private long lastSeq;
    private long checked;
    private Checkpoint lastCheckpoint;
    private Long firstBad;
    private String problem;

    /**
     * @param keys        trusted checkpoint keys by key ID, taken from outside what is verified
     * @param checkpoints every checkpoint claimed for this chain
     */
    public ChainVerifier(Map<String, PublicKey> keys, List<Checkpoint> checkpoints) {
        this.keys = Map.copyOf(keys);
        for (Checkpoint checkpoint : checkpoints) {
            if (pending.putIfAbsent(checkpoint.seq(), checkpoint) != null) {
                fail(checkpoint.seq(), "two checkpoints claim sequence number " + checkpoint.seq());
            }
        }
    }

    public static ChainVerifier trusting(PublicKey key, List<Checkpoint> checkpoints) {
        return new ChainVerifier(Map.of(AuditKeys.keyId(key), key), checkpoints);
    }

    /** Checks only the events after an already verified point, e.g. the last checkpoint. */
    public static ChainVerifier resumingAfter(long seq, byte[] hash) {
        ChainVerifier verifier = new ChainVerifier(Map.of(), List.of());
        verifier.lastSeq = seq;
        verifier.previous = hash.clone();
        return verifier;
    }

    /** The hash of the last event that checked out. */
    public byte[] lastHash() {
        return previous.clone();
    }

    /** Checks the next event with the hash stored beside it; false once the chain has failed. */
    public boolean accept(AuditEvent event, byte[] storedHash) {
        if (failed()) {
            return false;
        }
        long expected = lastSeq + 1;
        if (event.seq() != expected) {
            return fail(Math.min(expected, event.seq()), "sequence number " + event.seq() + " where " + expected
                    + " was due: an event was dropped, inserted or moved");
        }
        byte[] hash = ChainHash.next(previous, event);
        if (!Arrays.equals(hash, storedHash)) {
            return fail(event.seq(), "the event's content or its predecessor's hash was altered (the recomputed hash differs)");
        }
        Checkpoint checkpoint = pending.remove(event.seq());
        if (checkpoint != null && !checkAgainst(checkpoint, hash)) {
            return false;
        }
        previous = hash;
        lastSeq = event.seq();
        checked++;
        return true;
    }

    /** Records that an event could not even be read; it is named as the next sequence number due. */
    public boolean unreadable(String why) {
        return !failed() && fail(lastSeq + 1, "unreadable event: " + why);
    }

    /**
     * Ends the walk. {@code expectedHead} is an independent record of the last sequence number
     * (the database's head row), or null for an export that has only its checkpoints.
     */
    public VerifyResult finish(Long expectedHead) {
        if (!failed() && !pending.isEmpty()) {
            Checkpoint beyond = pending.firstEntry().getValue();
            PublicKey key = keys.get(beyond.keyId());
            if (key == null || !AuditKeys.verify(beyond, key)) {
                fail(beyond.seq(), "a checkpoint beyond the end of the log does not verify: it was forged or altered");
            }
            fail(lastSeq + 1, "a checkpoint signed sequence number " + beyond.seq() + " but the log ends at " + lastSeq
                    + ": the tail was cut off");
        }
        if (!failed() && expectedHead != null && expectedHead != lastSeq) {
            fail(Math.min(expectedHead, lastSeq) + 1, expectedHead > lastSeq
                    ? "the head records sequence number " + expectedHead + " but the log ends at " + lastSeq + ": the tail was cut off"
                    : "events after the recorded head " + expectedHead + " were added behind the log's back");
        }
        long unsigned = lastCheckpoint == null ? checked : Math.max(0, lastSeq - lastCheckpoint.seq());
        return new VerifyResult(!failed(), checked, firstBad, problem, lastCheckpoint, failed() ? 0 : unsigned);
    }

    private boolean checkAgainst(Checkpoint checkpoint, byte[] hash) {
        PublicKey key = keys.get(checkpoint.keyId());
        if (key == null) {
            return fail(checkpoint.seq(), "the checkpoint is signed by key " + checkpoint.keyId()
                    + ", which is not among the trusted keys " + keys.keySet());
        }
        if (!AuditKeys.verify(checkpoint, key)) {
            return fail(checkpoint.seq(), "the checkpoint's signature does not verify: the checkpoint was forged or altered");
        }
        if (!Arrays.equals(checkpoint.hash(), hash)) {
            return fail(checkpoint.seq(), "the head hash differs from the signed checkpoint: events up to here were rewritten");
        }
        lastCheckpoint = checkpoint;
        return true;
    }

    private boolean failed() {
        return firstBad != null;
    }

    private boolean fail(long seq, String why) {
        if (!failed()) {
            firstBad = seq;
            problem = why;
        }
        return false;
    }
}
