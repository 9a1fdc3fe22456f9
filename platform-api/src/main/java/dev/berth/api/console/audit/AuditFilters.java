package dev.berth.api.console.audit;

import dev.berth.api.audit.review.AuditQuery;
import dev.berth.api.audit.review.Cursor;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The audit page's filters as typed. Times come from {@code datetime-local} inputs and are read
 * as UTC, which the labels say, so that what an auditor types matches the times the log shows.
 */
public record AuditFilters(String tenant, String actor, String action, String outcome, Instant from, Instant to) {

    public static AuditFilters read(String tenant, String actor, String action, String outcome, String from, String to) {
        return new AuditFilters(blankToNull(tenant), blankToNull(actor), blankToNull(action), blankToNull(outcome),
                instant("From", from), instant("To", to));
    }

    public AuditQuery query(Cursor after, int limit) {
        return new AuditQuery(tenant, actor, action, outcome, from, to, after, limit);
    }

    public String fromInput() {
        return input(from);
    }

    public String toInput() {
        return input(to);
    }

    /** These filters as a query string, for the next-page link. */
    public String queryString() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("tenant", tenant);
        values.put("actor", actor);
        values.put("action", action);
        values.put("outcome", outcome);
        values.put("from", fromInput());
        values.put("to", toInput());
        return values.entrySet().stream().filter(entry -> entry.getValue() != null && !entry.getValue().isEmpty())
                .map(entry -> entry.getKey() + "=" + java.net.URLEncoder.encode(entry.getValue(), java.nio.charset.StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static String input(Instant instant) {
        return instant == null ? "" : LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC).toString();
    }

    private static Instant instant(String label, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDateTime.parse(value.strip()).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(label + " must be a date and time such as 2026-11-22T16:00, got \"" + value + "\"");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
