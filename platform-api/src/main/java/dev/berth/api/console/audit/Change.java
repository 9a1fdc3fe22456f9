package dev.berth.api.console.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One field a policy or quota change touched, before and after, read from the {@code {before,
 * after}} reason of a {@code tenant.policy.update} or {@code tenant.quota.update} event. Nested
 * members are named by their path ({@code maxResources.cpuMillis}); lists are shown as written.
 */
public record Change(String field, String before, String after) {

    /** The fields that differ, in the documents' order; a first change (nothing stored before) lists every field. */
    static List<Change> between(JsonNode before, JsonNode after) {
        Map<String, String> old = flatten(before);
        Map<String, String> now = flatten(after);
        Set<String> fields = new LinkedHashSet<>(now.keySet());
        fields.addAll(old.keySet());
        List<Change> changes = new ArrayList<>();
        for (String field : fields) {
            String was = old.getOrDefault(field, "—");
            String is = now.getOrDefault(field, "—");
            if (!was.equals(is)) {
                changes.add(new Change(field, was, is));
            }
        }
        return changes;
    }

    private static Map<String, String> flatten(JsonNode document) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (document != null && document.isObject()) {
            flatten("", document, fields);
        }
        return fields;
    }

    private static void flatten(String prefix, JsonNode object, Map<String, String> fields) {
        for (Iterator<Map.Entry<String, JsonNode>> members = object.fields(); members.hasNext(); ) {
            Map.Entry<String, JsonNode> member = members.next();
            String name = prefix + member.getKey();
            JsonNode value = member.getValue();
            if (value.isObject()) {
                flatten(name + ".", value, fields);
            } else if (value.isArray()) {
                List<String> items = new ArrayList<>();
                value.forEach(item -> items.add(item.asText()));
                fields.put(name, items.isEmpty() ? "(none)" : String.join(", ", items));
            } else if (!value.isNull()) {
                fields.put(name, value.asText());
            }
        }
    }
}
