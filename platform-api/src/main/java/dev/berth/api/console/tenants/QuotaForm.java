package dev.berth.api.console.tenants;

import dev.berth.api.console.FormState;
import dev.berth.policy.tenant.TenantQuota;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The quota form: six number fields to and from a {@link TenantQuota}. Only the text-to-number
 * step lives here; what counts as a valid quota is the quota validator's business, reached
 * through the same service the API uses.
 */
public final class QuotaForm {

    public record Field(String name, String label, String hint) {
    }

    public static final List<Field> FIELDS = List.of(
            new Field("concurrentJobs", "Concurrent jobs", "jobs starting or running at once"),
            new Field("cpuMillis", "CPU (millicores)", "summed over running jobs; 1000 = one core"),
            new Field("memoryMiB", "Memory (MiB)", "summed over running jobs"),
            new Field("pids", "Processes", "summed over running jobs"),
            new Field("logBytes", "Log bytes kept", "oldest logs go first beyond this"),
            new Field("jobsPerHour", "Jobs per hour", "job starts in any hour"));

    private QuotaForm() {
    }

    public static FormState of(TenantQuota quota) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("concurrentJobs", String.valueOf(quota.concurrentJobs()));
        values.put("cpuMillis", String.valueOf(quota.cpuMillis()));
        values.put("memoryMiB", String.valueOf(quota.memoryMiB()));
        values.put("pids", String.valueOf(quota.pids()));
        values.put("logBytes", String.valueOf(quota.logBytes()));
        values.put("jobsPerHour", String.valueOf(quota.jobsPerHour()));
        return FormState.of(values);
    }

    /** The values as typed; a field that is not a whole number gets its message here and the form is not stored. */
    public static FormState read(MultivaluedMap<String, String> form) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Field field : FIELDS) {
            values.put(field.name(), Optional.ofNullable(form.getFirst(field.name())).orElse("").strip());
        }
        FormState state = FormState.of(values);
        for (Field field : FIELDS) {
            String value = values.get(field.name());
            if (!value.isEmpty() && !value.matches("-?\\d{1,18}")) {
                state = state.withError(field.name(), "enter a whole number (0 means none), got \"" + value + "\"");
            } else if (!value.isEmpty() && !field.name().equals("logBytes") && Long.parseLong(value) > Integer.MAX_VALUE) {
                state = state.withError(field.name(), "at most " + Integer.MAX_VALUE);
            }
        }
        return state;
    }

    /** The quota a well-formed form stands for; empty fields stay null for the validator to name. */
    public static TenantQuota quota(FormState form) {
        return new TenantQuota(integer(form, "concurrentJobs"), integer(form, "cpuMillis"), integer(form, "memoryMiB"),
                integer(form, "pids"), form.value("logBytes").isEmpty() ? null : Long.valueOf(form.value("logBytes")),
                integer(form, "jobsPerHour"));
    }

    private static Integer integer(FormState form, String field) {
        return form.value(field).isEmpty() ? null : Integer.valueOf(form.value(field));
    }
}
