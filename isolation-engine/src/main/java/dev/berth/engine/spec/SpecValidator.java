package dev.berth.engine.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Last line of defence before a spec reaches the runtime: whatever the generators did, a spec
 * that breaks a security invariant is never written.
 */
final class SpecValidator {

    private SpecValidator() {
    }

    static void validate(ObjectNode spec) {
        List<String> problems = new ArrayList<>();
        JsonNode process = spec.path("process");
        if (process.path("user").path("uid").asLong(0) == 0 || process.path("user").path("gid").asLong(0) == 0) {
            problems.add("the job would run as uid or gid 0 inside the container");
        }
        if (!process.path("noNewPrivileges").asBoolean(false)) {
            problems.add("no_new_privileges is off");
        }
        for (JsonNode set : process.path("capabilities")) {
            for (JsonNode capability : set) {
                if (!capability.asText().equals("CAP_NET_BIND_SERVICE")) {
                    problems.add("capability " + capability.asText() + " is never granted");
                }
            }
        }
        if (!spec.path("annotations").has(SeccompGenerator.BPF_ANNOTATION)
                && !spec.path("linux").path("seccomp").path("defaultAction").asText().equals("SCMP_ACT_ERRNO")) {
            problems.add("seccomp is not default-deny");
        }
        if (!spec.path("root").path("readonly").asBoolean(false)) {
            problems.add("the root filesystem is writable");
        }
        Set<String> namespaces = new HashSet<>();
        spec.path("linux").path("namespaces").forEach(ns -> {
            namespaces.add(ns.path("type").asText());
            if (ns.has("path")) {
                problems.add("namespace " + ns.path("type").asText() + " joins an existing one at " + ns.path("path").asText());
            }
        });
        if (!namespaces.containsAll(NamespaceGenerator.NAMESPACES)) {
            problems.add("missing namespaces: expected " + NamespaceGenerator.NAMESPACES + ", got " + namespaces);
        }
        for (String kind : List.of("uid", "gid")) {
            for (JsonNode mapping : spec.path("linux").path(kind + "Mappings")) {
                if (mapping.path("hostID").asLong() == 0) {
                    problems.add("host " + kind + " 0 is mapped into the container");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("refusing to write an unsafe OCI spec: " + String.join("; ", problems));
        }
    }
}
