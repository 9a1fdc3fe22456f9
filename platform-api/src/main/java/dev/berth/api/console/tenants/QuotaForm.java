package dev.berth.api.console.tenants;

import dev.berth.api.console.FormState;
import dev.berth.policy.tenant.TenantQuota;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The quota form: a number field for every member of a {@link TenantQuota}. Only the text-to-number
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
            new Field("jobsPerHour", "Jobs per hour", "job starts in any hour"),
            new Field("registryBytes", "Registry bytes", "images the tenant pushed; a push token is refused beyond this"),
            new Field("artifactBytes", "Artifact bytes kept", "jobs' stored artifacts; oldest go first beyond this"),
            new Field("uploadBytes", "Upload bytes stored", "input tars the tenant uploaded; an upload is refused beyond this"));

    /** The fields that hold bytes and so may pass the int range. */
    private static final List<String> BYTES = List.of("logBytes", "registryBytes", "artifactBytes", "uploadBytes");

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
        values.put("registryBytes", String.valueOf(quota.registryBytes()));
        values.put("artifactBytes", String.valueOf(quota.artifactBytes()));
        values.put("uploadBytes", String.valueOf(quota.uploadBytes()));
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
            } else if (!value.isEmpty() && !BYTES.contains(field.name()) && Long.parseLong(value) > Integer.MAX_VALUE) {
                state = state.withError(field.name(), "at most " + Integer.MAX_VALUE);
            }
        }
        return state;
    }

    /** The quota a well-formed form stands for; empty fields stay null for the validator to name. */
    public static TenantQuota quota(FormState form) {
        return new TenantQuota(integer(form, "concurrentJobs"), integer(form, "cpuMillis"), integer(form, "memoryMiB"),
                integer(form, "pids"), bytes(form, "logBytes"), integer(form, "jobsPerHour"), bytes(form, "registryBytes"),
                bytes(form, "artifactBytes"), bytes(form, "uploadBytes"));
    }

    private static Long bytes(FormState form, String field) {
        return form.value(field).isEmpty() ? null : Long.valueOf(form.value(field));
    }

    private static Integer integer(FormState form, String field) {
        return form.value(field).isEmpty() ? null : Integer.valueOf(form.value(field));
    }
}
