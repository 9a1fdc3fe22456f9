package dev.berth.api.console.readable;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The effective security of a job, or an execution plan, as labelled rows a person reads at a
 * glance instead of a JSON dump: ID maps as "inside -> host" lines, limits in their units, flags
 * as yes/no. A member this class does not know is still shown, under its JSON name.
 */
public final class ReadableDocument {

    private static final long MIB = 1024 * 1024;
    private static final Map<String, String> LABELS = Map.ofEntries(
            Map.entry("tenant", "Tenant"),
            Map.entry("image", "Image"),
            Map.entry("command", "Command"),
            Map.entry("workingDir", "Working directory"),
            Map.entry("user", "User inside (uid)"),
            Map.entry("uid", "User inside (uid)"),
            Map.entry("gid", "Group inside (gid)"),
            Map.entry("uidMappings", "UID map (inside → host, count)"),
            Map.entry("gidMappings", "GID map (inside → host, count)"),
            Map.entry("capabilities", "Capabilities"),
            Map.entry("seccompProfile", "Seccomp profile"),
            Map.entry("noNewPrivileges", "no_new_privileges"),
            Map.entry("readOnlyRootfs", "Read-only root filesystem"),
            Map.entry("network", "Network"),
            Map.entry("hostname", "Hostname"),
            Map.entry("timeoutSeconds", "Timeout"),
            Map.entry("retries", "Retries"),
            Map.entry("cgroupVersion", "cgroup version"));

    private ReadableDocument() {
    }

    /** The document's members as rows, in the document's order; {@code env} and {@code limits} are spread over rows of their own. */
    public static List<Fact> of(JsonNode document) {
        List<Fact> facts = new ArrayList<>();
        if (document == null || !document.isObject()) {
            return facts;
        }
        for (Iterator<Map.Entry<String, JsonNode>> members = document.fields(); members.hasNext(); ) {
            Map.Entry<String, JsonNode> member = members.next();
            String name = member.getKey();
            JsonNode value = member.getValue();
            switch (name) {
                case "decisions" -> {
                    // Shown in a table of their own.
                }
                case "limits" -> limits(value, facts);
                case "env" -> facts.add(new Fact("Environment", env(value)));
                case "uidMappings", "gidMappings" -> facts.add(new Fact(LABELS.get(name), mappings(value)));
                case "command" -> facts.add(new Fact(LABELS.get(name), strings(value, "(image default)")));
                case "capabilities" -> facts.add(new Fact(LABELS.get(name), strings(value, "none")));
                case "timeoutSeconds" -> facts.add(Fact.of(LABELS.get(name), value.asText() + " s"));
                case "egress" -> egress(value, facts);
                default -> facts.add(Fact.of(LABELS.getOrDefault(name, name), scalar(value)));
            }
        }
        return facts;
    }

    private static void limits(JsonNode limits, List<Fact> facts) {
        if (limits.has("cpuMillis")) {
            facts.add(Fact.of("CPU", limits.path("cpuMillis").asLong() + " millicores"));
        }
        if (limits.has("memoryBytes")) {
            facts.add(Fact.of("Memory (no swap)", mib(limits.path("memoryBytes").asLong())));
        }
        if (limits.has("pids")) {
            facts.add(Fact.of("Processes", limits.path("pids").asText()));
        }
        if (limits.has("openFiles")) {
            facts.add(Fact.of("Open files", limits.path("openFiles").asText()));
        }
        if (limits.has("scratchBytes")) {
            facts.add(Fact.of("Scratch (tmpfs)", mib(limits.path("scratchBytes").asLong())));
        }
    }

    /** A plan's egress is its list of rules (empty, and not shown, for network none); a job's effective security has the list, the pinned names and what is always denied. */
    private static void egress(JsonNode egress, List<Fact> facts) {
        if (egress.isArray()) {
            if (!egress.isEmpty()) {
                facts.add(new Fact("Egress allowed", rules(egress)));
            }
            return;
        }
        facts.add(new Fact("Egress allowed", rules(egress.path("allowed"))));
        List<String> pinned = new ArrayList<>();
        egress.path("pinned").fields().forEachRemaining(name -> pinned.add(name.getKey() + " → "
                + (name.getValue().isEmpty() ? "no address (unreachable)" : String.join(", ", strings(name.getValue(), "")))));
        if (!pinned.isEmpty()) {
            facts.add(new Fact("Egress names pinned at start", pinned));
        }
        facts.add(new Fact("Egress always denied", strings(egress.path("alwaysDenied"), "none")));
    }

    private static List<String> rules(JsonNode rules) {
        List<String> lines = new ArrayList<>();
        rules.forEach(rule -> lines.add(rule.path("protocol").asText() + " " + rule.path("destination").asText() + " ports "
                + rule.path("ports").asText()));
        return lines.isEmpty() ? List.of("none") : lines;
    }

    private static List<String> mappings(JsonNode mappings) {
        List<String> lines = new ArrayList<>();
        for (JsonNode mapping : mappings) {
            long size = mapping.path("size").asLong();
            lines.add(mapping.path("containerId").asLong() + " → " + mapping.path("hostId").asLong() + ", " + size + (size == 1 ? " ID" : " IDs"));
        }
        return lines.isEmpty() ? List.of("none") : lines;
    }

    private static List<String> env(JsonNode env) {
        List<String> lines = new ArrayList<>();
        env.fields().forEachRemaining(variable -> lines.add(variable.getKey() + "=" + variable.getValue().asText()));
        return lines.isEmpty() ? List.of("(none)") : lines;
    }

    private static List<String> strings(JsonNode values, String empty) {
        List<String> lines = new ArrayList<>();
        values.forEach(value -> lines.add(value.asText()));
        return lines.isEmpty() ? List.of(empty) : lines;
    }

    private static String scalar(JsonNode value) {
        if (value.isBoolean()) {
            return value.asBoolean() ? "yes" : "no";
        }
        if (value.isNull()) {
            return "—";
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private static String mib(long bytes) {
        return bytes % MIB == 0 ? bytes / MIB + " MiB" : bytes + " bytes";
    }
}
