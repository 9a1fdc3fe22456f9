package dev.berth.api.console;

import dev.berth.policy.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a console form shows: the values as typed (so a refused form keeps them) and the messages
 * next to each field. Violations are placed by their {@code field}; those naming no field of this
 * form go to the general message above it.
 */
public record FormState(Map<String, String> values, Map<String, List<String>> errors, String general) {

    public static FormState empty() {
        return new FormState(Map.of(), Map.of(), null);
    }

    public static FormState of(Map<String, String> values) {
        return new FormState(values, Map.of(), null);
    }

    /** Values as typed, each violation next to the field it names, or {@code fieldOf} it when the form has no such field. */
    public static FormState refused(Map<String, String> values, List<Violation> violations, java.util.function.UnaryOperator<String> fieldOf) {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        List<String> general = new ArrayList<>();
        for (Violation violation : violations) {
            String field = fieldOf.apply(violation.field());
            String message = violation.message() + " (" + violation.rule() + ")";
            if (field != null && values.containsKey(field)) {
                errors.computeIfAbsent(field, key -> new ArrayList<>()).add(message);
            } else {
                general.add(message);
            }
        }
        return new FormState(values, errors, general.isEmpty() ? null : String.join("; ", general));
    }

    public static FormState failed(Map<String, String> values, String message) {
        return new FormState(values, Map.of(), message);
    }

    public FormState withError(String field, String message) {
        Map<String, List<String>> more = new LinkedHashMap<>(errors);
        more.computeIfAbsent(field, key -> new ArrayList<>()).add(message);
        return new FormState(values, more, general);
    }

    public String value(String field) {
        return values.getOrDefault(field, "");
    }

    public boolean has(String field) {
        return errors.containsKey(field);
    }

    public String error(String field) {
        return String.join("; ", errors.getOrDefault(field, List.of()));
    }

    public List<String> errors(String field) {
        return errors.getOrDefault(field, List.of());
    }

    public boolean ok() {
        return errors.isEmpty() && general == null;
    }
}
