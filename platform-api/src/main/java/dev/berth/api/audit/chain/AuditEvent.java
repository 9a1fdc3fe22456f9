package dev.berth.api.audit.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.DateTimeException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One audit record as it is chained, stored and exported. Its JSON form (see {@link #toJson()})
 * is what {@link Canonical} hashes, so the field names here are part of the export format.
 *
 * @param seq            position in the chain, from 1, without gaps
 * @param time           when it was recorded; kept to microseconds, the precision PostgreSQL stores
 * @param actor          who acted
 * @param tenant         whose workload or configuration it concerns, when it concerns one tenant
 * @param action         what was done, e.g. {@code job.submit}, {@code authz.deny}
 * @param target         what it was done to, e.g. {@code job/<id>}, {@code POST /api/v1/jobs}
 * @param outcome        {@code success}, {@code denied} or {@code failure}
 * @param reason         why, in the API's words (e.g. {@code OOMKilled}) or a short explanation
 * @param ruleIds        the policy rules that refused or shaped the request
 * @param requestId      the HTTP request it came from ({@code X-Request-Id} or generated)
 * @param sourceAddress  the caller's address
 * @param userAgent      the caller's user agent
 * @param securityDigest SHA-256 of the effective security configuration, for job admissions and starts
 */
public record AuditEvent(long seq, Instant time, Actor actor, String tenant, String action, String target,
        String outcome, String reason, List<String> ruleIds, String requestId, String sourceAddress,
        String userAgent, String securityDigest) {

    public AuditEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
        time = time.truncatedTo(ChronoUnit.MICROS);
        ruleIds = ruleIds == null ? List.of() : List.copyOf(ruleIds);
    }

    /** Who acted: a token's subject, username and roles, or the platform itself. */
    public record Actor(String subject, String username, List<String> roles) {

        public static final Actor PLATFORM = new Actor("berth-platform", null, List.of());

        public Actor {
            Objects.requireNonNull(subject, "subject");
            // Roles are a set: sorted so the same set always hashes the same.
            roles = roles == null ? List.of() : roles.stream().sorted().distinct().toList();
        }
    }

    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode node = f.objectNode();
        node.put("seq", seq);
        node.put("time", Timestamps.format(time));
        ObjectNode who = node.putObject("actor");
        who.put("subject", actor.subject());
        putIfPresent(who, "username", actor.username());
        who.set("roles", strings(actor.roles()));
        putIfPresent(node, "tenant", tenant);
        node.put("action", action);
        putIfPresent(node, "target", target);
        node.put("outcome", outcome);
        putIfPresent(node, "reason", reason);
        node.set("ruleIds", strings(ruleIds));
        putIfPresent(node, "requestId", requestId);
        putIfPresent(node, "sourceAddress", sourceAddress);
        putIfPresent(node, "userAgent", userAgent);
        putIfPresent(node, "securityDigest", securityDigest);
        return node;
    }

    /**
     * Reads an event back from its JSON form. Anything that does not fit the shape is reported as
     * a {@link MalformedEventException}, which verification treats as tampering.
     */
    public static AuditEvent fromJson(JsonNode node) {
        try {
            onlyKnown(node, FIELDS);
            JsonNode who = required(node, "actor");
            onlyKnown(who, ACTOR_FIELDS);
            Actor actor = new Actor(text(who, "subject", true), text(who, "username", false), list(who, "roles"));
            return new AuditEvent(requiredLong(node, "seq"), Timestamps.parse(text(node, "time", true)), actor,
                    text(node, "tenant", false), text(node, "action", true), text(node, "target", false),
                    text(node, "outcome", true), text(node, "reason", false), list(node, "ruleIds"),
                    text(node, "requestId", false), text(node, "sourceAddress", false), text(node, "userAgent", false),
                    text(node, "securityDigest", false));
        } catch (NullPointerException | DateTimeException e) {
            throw new MalformedEventException(e.getMessage());
        }
    }

    private static final Set<String> FIELDS = Set.of("seq", "time", "actor", "tenant", "action", "target", "outcome",
            "reason", "ruleIds", "requestId", "sourceAddress", "userAgent", "securityDigest");
    private static final Set<String> ACTOR_FIELDS = Set.of("subject", "username", "roles");

    /** A field the chain does not hash would be unprotected text, so none is accepted. */
    private static void onlyKnown(JsonNode node, Set<String> known) {
        node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                throw new MalformedEventException("unknown field " + name);
            }
        });
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        values.forEach(array::add);
        return array;
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isObject()) {
            throw new MalformedEventException("field " + field + " is missing or not an object");
        }
        return value;
    }

    private static long requiredLong(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToExactIntegral() || !value.isIntegralNumber()) {
            throw new MalformedEventException("field " + field + " is missing or not an integer");
        }
        return value.longValue();
    }

    private static String text(JsonNode node, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new MalformedEventException("field " + field + " is missing");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new MalformedEventException("field " + field + " is not a string");
        }
        return value.textValue();
    }

    private static List<String> list(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new MalformedEventException("field " + field + " is not an array");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new MalformedEventException("field " + field + " holds a non-string");
            }
            values.add(item.textValue());
        }
        return values;
    }

    /** An event line or row that cannot be read as an audit event. */
    public static final class MalformedEventException extends RuntimeException {
        public MalformedEventException(String message) {
            super(message);
        }
    }
}
