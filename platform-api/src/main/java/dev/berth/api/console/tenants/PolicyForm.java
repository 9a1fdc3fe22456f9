package dev.berth.api.console.tenants;

import dev.berth.api.console.FormState;
import dev.berth.policy.PlatformCeilings;
import dev.berth.policy.Violation;
import dev.berth.policy.egress.EgressRule;
import dev.berth.policy.tenant.PerJobMaxima;
import dev.berth.policy.tenant.TenantPolicy;
import dev.berth.policy.tenant.Tier;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The policy as a form: tier, images, per-job maxima, capabilities, networks, timeouts, retries,
 * denied variables and the egress allow-list, each a field named by the path the policy validator names it with, so a
 * violation lands next to its field. Lists are one item per line (images, variables, egress destinations) or checkboxes
 * of what the platform offers (capabilities, networks). Only the text-to-value step lives here.
 */
public final class PolicyForm {

    /** A number field; an empty one leaves the platform's ceiling or default in force. */
    public record Field(String name, String label, String hint) {

        /** The HTML id: dots are legal there but awkward in selectors. */
        public String id() {
            return "policy-" + name.replace('.', '-');
        }
    }

    /** A checkbox or option. */
    public record Choice(String value, boolean checked) {
    }

    /** What the tenant page shows of the form. */
    public record View(FormState state, List<Choice> tiers, List<Choice> capabilities, List<Choice> networks, List<Field> maxima,
                       List<Field> limits) {
    }

    static final String IMAGES = "allowedImages";
    static final String CAPABILITIES = "allowedCapabilities";
    static final String NETWORKS = "networks";
    static final String DENIED_ENV = "deniedEnv";
    static final String EGRESS = "egress";
    static final String TIER = "tier";
    static final List<Field> MAXIMA = List.of(
            new Field("maxResources.cpuMillis", "CPU per job (millicores)", "empty: the platform ceiling"),
            new Field("maxResources.memoryMiB", "Memory per job (MiB)", "empty: the platform ceiling"),
            new Field("maxResources.pids", "Processes per job", "empty: the platform ceiling"),
            new Field("maxResources.scratchMiB", "Scratch per job (MiB)", "empty: the platform ceiling"));
    static final List<Field> LIMITS = List.of(
            new Field("defaultTimeoutSeconds", "Default timeout (s)", "for jobs that name none; empty: the platform default"),
            new Field("maxTimeoutSeconds", "Longest timeout (s)", "empty: the platform ceiling"),
            new Field("maxRetries", "Most retries", "empty: the platform ceiling"));
    private static final Pattern INDEXED = Pattern.compile("(.+?)\\[(\\d+)](?:\\..+)?");

    private PolicyForm() {
    }

    public static FormState of(TenantPolicy policy) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(TIER, policy.tier());
        values.put(IMAGES, String.join("\n", policy.allowedImages()));
        values.put("maxResources.cpuMillis", text(policy.maxResources().cpuMillis()));
        values.put("maxResources.memoryMiB", text(policy.maxResources().memoryMiB()));
        values.put("maxResources.pids", text(policy.maxResources().pids()));
        values.put("maxResources.scratchMiB", text(policy.maxResources().scratchMiB()));
        values.put(CAPABILITIES, String.join("\n", policy.allowedCapabilities()));
        values.put(NETWORKS, String.join("\n", policy.networks()));
        values.put("defaultTimeoutSeconds", text(policy.defaultTimeoutSeconds()));
        values.put("maxTimeoutSeconds", text(policy.maxTimeoutSeconds()));
        values.put("maxRetries", text(policy.maxRetries()));
        values.put(DENIED_ENV, String.join("\n", policy.deniedEnv()));
        values.put(EGRESS, String.join("\n", policy.egress().stream().map(PolicyForm::egressLine).toList()));
        return FormState.of(values);
    }

    /** The values as posted; a number field that is not a whole number gets its message here and the form is not stored. */
    public static FormState read(MultivaluedMap<String, String> form) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(TIER, first(form, TIER));
        values.put(IMAGES, String.join("\n", lines(first(form, IMAGES))));
        for (Field field : numbers()) {
            values.put(field.name(), first(form, field.name()));
        }
        values.put(CAPABILITIES, String.join("\n", checked(form, CAPABILITIES)));
        values.put(NETWORKS, String.join("\n", checked(form, NETWORKS)));
        values.put(DENIED_ENV, String.join("\n", lines(first(form, DENIED_ENV))));
        values.put(EGRESS, String.join("\n", lines(first(form, EGRESS))));
        FormState state = FormState.of(values);
        for (Field field : numbers()) {
            String value = values.get(field.name());
            if (!value.isEmpty() && !value.matches("-?\\d{1,9}")) {
                state = state.withError(field.name(), "enter a whole number, or leave it empty for the platform's value; got \"" + value + "\"");
            }
        }
        return state;
    }

    /** The policy a well-formed form stands for. */
    public static TenantPolicy policy(FormState form) {
        return new TenantPolicy(form.value(TIER), lines(form.value(IMAGES)),
                new PerJobMaxima(integer(form, "maxResources.cpuMillis"), integer(form, "maxResources.memoryMiB"),
                        integer(form, "maxResources.pids"), integer(form, "maxResources.scratchMiB")),
                lines(form.value(CAPABILITIES)), lines(form.value(NETWORKS)), integer(form, "defaultTimeoutSeconds"),
                integer(form, "maxTimeoutSeconds"), integer(form, "maxRetries"), lines(form.value(DENIED_ENV)),
                lines(form.value(EGRESS)).stream().map(PolicyForm::egressRule).toList());
    }

    /** {@code destination [ports] [udp|tcp]}: what the policy validator cannot read stays in the destination, which it then refuses. */
    private static EgressRule egressRule(String line) {
        String[] words = line.trim().split("\\s+");
        String ports = null;
        String protocol = null;
        for (int i = 1; i < words.length; i++) {
            if (words[i].equals(EgressRule.TCP) || words[i].equals(EgressRule.UDP)) {
                protocol = words[i];
            } else if (ports == null) {
                ports = words[i];
            } else {
                return new EgressRule(line.trim(), null, null);
            }
        }
        return new EgressRule(words[0], ports, protocol);
    }

    private static String egressLine(EgressRule rule) {
        return rule.destination() + (rule.ports() == null ? "" : " " + rule.ports()) + (rule.protocol() == null ? "" : " " + rule.protocol());
    }

    /** Violations of list items ({@code allowedImages[2]}) go next to their list, saying which item. */
    public static FormState refused(FormState form, List<Violation> violations) {
        List<Violation> placed = new ArrayList<>();
        for (Violation violation : violations) {
            Matcher indexed = INDEXED.matcher(violation.field());
            if (indexed.matches()) {
                List<String> items = lines(form.value(indexed.group(1)));
                int index = Integer.parseInt(indexed.group(2));
                String item = index < items.size() ? " (" + items.get(index) + ")" : "";
                placed.add(new Violation(violation.rule(), indexed.group(1), "item " + (index + 1) + item + ": " + violation.message()));
            } else {
                placed.add(violation);
            }
        }
        return FormState.refused(form.values(), placed, field -> field);
    }

    public static View view(FormState state, PlatformCeilings ceilings) {
        List<Choice> tiers = Arrays.stream(Tier.values()).map(tier -> new Choice(tier.id(), tier.id().equals(state.value(TIER)))).toList();
        return new View(state, tiers, choices(ceilings.allowedCapabilities(), state.value(CAPABILITIES)),
                choices(ceilings.networkModes(), state.value(NETWORKS)), MAXIMA, LIMITS);
    }

    /** What the platform offers, and whatever else the policy names (so the validator can refuse it where the admin sees it). */
    private static List<Choice> choices(Set<String> offered, String chosen) {
        Set<String> selected = new LinkedHashSet<>(lines(chosen));
        Set<String> all = new TreeSet<>(offered);
        all.addAll(selected);
        return all.stream().map(value -> new Choice(value, selected.contains(value))).toList();
    }

    private static List<Field> numbers() {
        List<Field> all = new ArrayList<>(MAXIMA);
        all.addAll(LIMITS);
        return all;
    }

    private static String first(MultivaluedMap<String, String> form, String name) {
        return Optional.ofNullable(form.getFirst(name)).orElse("").strip();
    }

    private static List<String> checked(MultivaluedMap<String, String> form, String name) {
        return Optional.ofNullable(form.get(name)).orElse(List.of()).stream().map(String::strip).filter(value -> !value.isEmpty()).toList();
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    private static Integer integer(FormState form, String field) {
        return form.value(field).isEmpty() ? null : Integer.valueOf(form.value(field));
    }

    private static String text(Integer value) {
        return value == null ? "" : String.valueOf(value);
    }
}
