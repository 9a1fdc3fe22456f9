package dev.berth.api.audit.chain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * The NDJSON export, one JSON object per line, in this order:
 * <ol>
 *   <li>a header: {@code {"type":"header","format":"berth-audit-export/1",...}};</li>
 *   <li>every checkpoint: {@code {"type":"checkpoint","seq":..,"hash":..,"time":..,"keyId":..,"signature":..}};</li>
 *   <li>every event in sequence order: the event's JSON form plus {@code "type":"event"} and its
 *       chain hash {@code "hash"}.</li>
 * </ol>
 * Checkpoints come before the events so that cutting lines off the end of the file leaves the
 * checkpoints that vouch for the missing events.
 */
public final class ExportFormat {

    public static final String FORMAT = "berth-audit-export/1";
    public static final String MEDIA_TYPE = "application/x-ndjson";
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private ExportFormat() {
    }

    public static String header(String keyId, Instant exportedAt) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", "header");
        node.put("format", FORMAT);
        node.put("chain", "h_i = SHA-256(canonical(e_i) || h_(i-1)), h_0 = 32 zero bytes");
        node.put("signature", "Ed25519 over berth-audit-checkpoint/1\\n<seq>\\n<hash>\\n<time>\\n");
        node.put("keyId", keyId);
        node.put("exportedAt", Timestamps.format(exportedAt));
        return line(node);
    }

    public static String checkpoint(Checkpoint checkpoint) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", "checkpoint");
        node.setAll(checkpoint.toJson());
        return line(node);
    }

    public static String event(AuditEvent event, byte[] hash) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", "event");
        node.setAll(event.toJson());
        node.put("hash", ChainHash.hex(hash));
        return line(node);
    }

    static JsonNode parse(String line) {
        try {
            JsonNode node = MAPPER.readTree(line);
            if (node == null || !node.isObject()) {
                throw new AuditEvent.MalformedEventException("not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new AuditEvent.MalformedEventException("not JSON: " + e.getOriginalMessage());
        }
    }

    private static String line(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an export line could not be written", e);
        }
    }
}
