package dev.berth.api.json;

import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonMappingException.Reference;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Field paths as clients write them ({@code resources.memoryMiB}, {@code command[0]}), the same form
 * policy violations use in their {@code field}. Names come from the client, so they are cut short
 * and stripped of control characters before they are quoted back.
 */
final class JsonPaths {

    private static final int NAME_CHARS = 64;

    private JsonPaths() {
    }

    /** Where binding failed. */
    static String of(List<Reference> references) {
        StringBuilder path = new StringBuilder();
        for (Reference reference : references) {
            append(path, reference.getFieldName(), reference.getIndex());
        }
        return path.toString();
    }

    /** Where the parser stood when the syntax failed. */
    static String of(JsonStreamContext context) {
        Deque<JsonStreamContext> outerFirst = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            outerFirst.push(c);
        }
        StringBuilder path = new StringBuilder();
        for (JsonStreamContext c : outerFirst) {
            if (c.inArray()) {
                append(path, null, c.getCurrentIndex());
            } else if (c.getCurrentName() != null) {
                append(path, c.getCurrentName(), -1);
            }
        }
        return path.toString();
    }

    /** The value the path leads to in the document, or a missing node. */
    static JsonNode follow(JsonNode document, List<Reference> references) {
        JsonNode node = document;
        for (Reference reference : references) {
            node = reference.getFieldName() != null ? node.path(reference.getFieldName()) : node.path(reference.getIndex());
        }
        return node;
    }

    /** A client-supplied name, safe to put in a problem detail. */
    static String name(String raw) {
        StringBuilder safe = new StringBuilder();
        raw.codePoints().limit(NAME_CHARS).forEach(c -> safe.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return raw.codePointCount(0, raw.length()) > NAME_CHARS ? safe + "…" : safe.toString();
    }

    private static void append(StringBuilder path, String field, int index) {
        if (field != null) {
            path.append(path.isEmpty() ? "" : ".").append(name(field));
        } else if (index >= 0) {
            path.append('[').append(index).append(']');
        }
    }
}
