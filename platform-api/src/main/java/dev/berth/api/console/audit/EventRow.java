package dev.berth.api.console.audit;

import com.fasterxml.jackson.databind.JsonNode;

/** One audit event as a table row, read from the JSON form the audit API answers. */
public record EventRow(long seq, String time, String action, String outcome, String tenant, String actor, String target, String reason) {

    static EventRow of(JsonNode event) {
        JsonNode actor = event.path("actor");
        String who = actor.path("username").isMissingNode() || actor.path("username").isNull()
                ? actor.path("subject").asText("") : actor.path("username").asText() + " (" + actor.path("subject").asText("") + ")";
        return new EventRow(event.path("seq").asLong(), event.path("time").asText(""), event.path("action").asText(""),
                event.path("outcome").asText(""), event.path("tenant").asText(""), who, event.path("target").asText(""),
                event.path("reason").asText(""));
    }
}
