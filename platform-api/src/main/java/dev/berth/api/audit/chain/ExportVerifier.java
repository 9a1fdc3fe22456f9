package dev.berth.api.audit.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

/** Verifies an NDJSON export ({@link ExportFormat}) against a trusted public key, needing nothing else. */
public final class ExportVerifier {

    private ExportVerifier() {
    }

    public static VerifyResult verify(Path export, PublicKey trusted) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(export, StandardCharsets.UTF_8)) {
            return verify(reader, trusted);
        }
    }

    /** Reads checkpoints first (they lead the file), then streams the events through a {@link ChainVerifier}. */
    public static VerifyResult verify(BufferedReader reader, PublicKey trusted) throws IOException {
        List<Checkpoint> checkpoints = new ArrayList<>();
        String line;
        JsonNode firstEvent = null;
        String firstEventError = null;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                continue;
            }
            JsonNode node;
            try {
                node = ExportFormat.parse(line);
            } catch (AuditEvent.MalformedEventException e) {
                firstEventError = e.getMessage();
                break;
            }
            String type = node.path("type").asText();
            if (type.equals("event")) {
                firstEvent = node;
                break;
            }
            if (type.equals("checkpoint")) {
                try {
                    checkpoints.add(Checkpoint.fromJson(node));
                } catch (AuditEvent.MalformedEventException e) {
                    return malformedCheckpoint(node, e.getMessage());
                }
            } else if (!type.equals("header")) {
                firstEventError = "a line of unknown type '" + type + "'";
                break;
            }
        }
        ChainVerifier chain = ChainVerifier.trusting(trusted, checkpoints);
        if (firstEventError != null) {
            chain.unreadable(firstEventError);
            return chain.finish(null);
        }
        if (firstEvent != null && accept(chain, firstEvent)) {
            while ((line = reader.readLine()) != null) {
                if (!line.isEmpty() && !accept(chain, line)) {
                    break;
                }
            }
        }
        return chain.finish(null);
    }

    /** Named by the sequence number it claims, when it still claims one. */
    private static VerifyResult malformedCheckpoint(JsonNode node, String why) {
        JsonNode seq = node.path("seq");
        long claimed = seq.isIntegralNumber() && seq.longValue() >= 1 ? seq.longValue() : 1;
        ChainVerifier chain = ChainVerifier.resumingAfter(claimed - 1, ChainHash.genesis());
        chain.unreadable(why);
        return chain.finish(null);
    }

    private static boolean accept(ChainVerifier chain, String line) {
        try {
            return accept(chain, ExportFormat.parse(line));
        } catch (AuditEvent.MalformedEventException e) {
            return chain.unreadable(e.getMessage());
        }
    }

    private static boolean accept(ChainVerifier chain, JsonNode node) {
        try {
            if (!node.path("type").asText().equals("event")) {
                return chain.unreadable("a " + node.path("type").asText("untyped") + " line among the events");
            }
            ObjectNode event = (ObjectNode) node;
            event.remove("type");
            JsonNode hash = event.remove("hash");
            if (hash == null || !hash.isTextual()) {
                return chain.unreadable("an event line without its hash");
            }
            return chain.accept(AuditEvent.fromJson(event), ChainHash.fromHex(hash.textValue()));
        } catch (AuditEvent.MalformedEventException | IllegalArgumentException e) {
            return chain.unreadable(e.getMessage());
        }
    }
}
