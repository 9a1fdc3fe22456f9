package dev.berth.api.audit.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * A signed statement "the chain's head at {@code seq} is {@code hash}", made at {@code time} with
 * the key {@code keyId}. The signed bytes are {@link #signedText()}; they never depend on JSON.
 */
public record Checkpoint(long seq, byte[] hash, Instant time, String keyId, byte[] signature) {

    static final String SIGNED_FORMAT = "berth-audit-checkpoint/1";

    /**
     * {@code berth-audit-checkpoint/1\n<seq>\n<head hash, hex>\n<time>\n}, UTF-8. The format tag
     * keeps a checkpoint signature from ever being valid as any other kind of message.
     */
    public static byte[] signedText(long seq, byte[] hash, Instant time) {
        return (SIGNED_FORMAT + "\n" + seq + "\n" + ChainHash.hex(hash) + "\n" + Timestamps.format(time) + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    public byte[] signedText() {
        return signedText(seq, hash, time);
    }

    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("seq", seq);
        node.put("hash", ChainHash.hex(hash));
        node.put("time", Timestamps.format(time));
        node.put("keyId", keyId);
        node.put("signature", Base64.getEncoder().encodeToString(signature));
        return node;
    }

    public static Checkpoint fromJson(JsonNode node) {
        try {
            return new Checkpoint(node.get("seq").longValue(), ChainHash.fromHex(node.get("hash").textValue()),
                    Timestamps.parse(node.get("time").textValue()), node.get("keyId").textValue(),
                    Base64.getDecoder().decode(node.get("signature").textValue()));
        } catch (RuntimeException e) {
            throw new AuditEvent.MalformedEventException("a checkpoint line is malformed: " + e);
        }
    }
}
