package dev.berth.api.audit.chain;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The canonical form hashed into the chain: the event's JSON object ({@link AuditEvent#toJson()})
 * written as UTF-8 with
 * <ul>
 *   <li>object members sorted by name (String order, i.e. UTF-16 code units), at every depth;</li>
 *   <li>members whose value is {@code null} left out, so adding an optional field later does not
 *       change the hash of older events;</li>
 *   <li>no whitespace; array order kept (roles are sorted when the event is made);</li>
 *   <li>strings as Jackson's generator writes them: {@code "} and {@code \} escaped, control
 *       characters as {@code \n}, {@code \t}, ... or <code>&#92;u00XX</code>, everything else as
 *       raw UTF-8;</li>
 *   <li>integers in plain decimal; times as strings in {@link Timestamps}' fixed format.</li>
 * </ul>
 * Written member by member in that sorted order rather than through a sorted tree: verifying a
 * million events is dominated by this method. A private factory is used so application-wide
 * Jackson settings can never change the hash.
 */
public final class Canonical {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private Canonical() {
    }

    public static byte[] bytes(AuditEvent event) {
        ByteArrayBuilder out = new ByteArrayBuilder(512);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("action", event.action());
            json.writeObjectFieldStart("actor");
            strings(json, "roles", event.actor().roles());
            json.writeStringField("subject", event.actor().subject());
            optional(json, "username", event.actor().username());
            json.writeEndObject();
            json.writeStringField("outcome", event.outcome());
            optional(json, "reason", event.reason());
            optional(json, "requestId", event.requestId());
            strings(json, "ruleIds", event.ruleIds());
            optional(json, "securityDigest", event.securityDigest());
            json.writeNumberField("seq", event.seq());
            optional(json, "sourceAddress", event.sourceAddress());
            optional(json, "target", event.target());
            optional(json, "tenant", event.tenant());
            json.writeStringField("time", Timestamps.format(event.time()));
            optional(json, "userAgent", event.userAgent());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    private static void optional(JsonGenerator json, String name, String value) throws IOException {
        if (value != null) {
            json.writeStringField(name, value);
        }
    }

    private static void strings(JsonGenerator json, String name, List<String> values) throws IOException {
        json.writeArrayFieldStart(name);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }
}
