package dev.berth.api.audit.chain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The canonical form hashed into the chain: the event's JSON object ({@link AuditEvent#toJson()})
 * written as UTF-8 with
 * <ul>
 *   <li>object members sorted by name (String order, i.e. UTF-16 code units), at every depth;</li>
 *   <li>members whose value is {@code null} left out, so adding an optional field later does not
 *       change the hash of older events;</li>
 *   <li>no whitespace; array order kept;</li>
 *   <li>strings as Jackson writes them: {@code "} and {@code \} escaped, control characters as
 *       {@code \n}, {@code \t}, ... or <code>&#92;u00XX</code>, everything else as raw UTF-8;</li>
 *   <li>integers in plain decimal; times as strings in {@link Timestamps}' fixed format.</li>
 * </ul>
 * A private mapper is used so application-wide Jackson settings can never change the hash.
 */
public final class Canonical {

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private Canonical() {
    }

    public static byte[] bytes(JsonNode value) {
        try {
            return MAPPER.writeValueAsBytes(sorted(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    private static JsonNode sorted(JsonNode value) {
        if (value.isObject()) {
            List<String> names = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                if (!member.getValue().isNull()) {
                    names.add(member.getKey());
                }
            }
            names.sort(null);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            names.forEach(name -> out.set(name, sorted(value.get(name))));
            return out;
        }
        if (value.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            value.forEach(item -> out.add(sorted(item)));
            return out;
        }
        return value;
    }
}
