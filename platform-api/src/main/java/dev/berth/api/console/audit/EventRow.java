package dev.berth.api.console.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Set;

/**
 * One audit event as a table row, read from the JSON form the audit API answers. A policy or
 * quota change ({@code documentChange}) also carries the fields it changed, before and after, and
 * whether a document was stored before it at all; such events written before changes recorded
 * their before document hold the new document alone, shown as the reason.
 */
public record EventRow(long seq, String time, String action, String outcome, String tenant, String actor, String target, String reason,
        boolean documentChange, List<Change> changes, boolean firstDocument) {

    private static final Set<String> DOCUMENT_CHANGES = Set.of("tenant.policy.update", "tenant.quota.update");
    private static final ObjectMapper READER = new ObjectMapper();

    static EventRow of(JsonNode event) {
        JsonNode actor = event.path("actor");
        String who = actor.path("username").isMissingNode() || actor.path("username").isNull()
                ? actor.path("subject").asText("") : actor.path("username").asText() + " (" + actor.path("subject").asText("") + ")";
        String action = event.path("action").asText("");
        String reason = event.path("reason").asText("");
        JsonNode change = DOCUMENT_CHANGES.contains(action) ? document(reason) : null;
        boolean isChange = change != null && change.has("after");
        return new EventRow(event.path("seq").asLong(), event.path("time").asText(""), action,
                event.path("outcome").asText(""), event.path("tenant").asText(""), who, event.path("target").asText(""), reason,
                isChange, isChange ? Change.between(change.get("before"), change.get("after")) : List.of(),
                isChange && (change.path("before").isNull() || change.path("before").isMissingNode()));
    }

    private static JsonNode document(String reason) {
        try {
            JsonNode document = READER.readTree(reason);
            return document != null && document.isObject() ? document : null;
        } catch (JsonProcessingException notJson) {
            return null;
        }
    }
}
