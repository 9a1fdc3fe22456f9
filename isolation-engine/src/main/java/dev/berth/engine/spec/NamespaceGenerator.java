package dev.berth.engine.spec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.policy.IdMapping;
import java.util.List;

/**
 * Fresh namespaces of every kind, so the job shares nothing with the host or other jobs, and the
 * user namespace ID maps from the plan. A fresh network namespace has only loopback.
 */
final class NamespaceGenerator implements SpecGenerator {

    static final List<String> NAMESPACES = List.of("pid", "network", "ipc", "uts", "mount", "cgroup", "user");

    @Override
    public void generate(BundleContext context, ObjectNode spec) {
        if (!context.plan().network().equals("none")) {
            throw new IllegalArgumentException("network mode " + context.plan().network() + " is not supported by this engine");
        }
        ObjectNode linux = spec.withObject("/linux");
        ArrayNode namespaces = linux.putArray("namespaces");
        NAMESPACES.forEach(type -> namespaces.addObject().put("type", type));
        mappings(linux.putArray("uidMappings"), context.plan().uidMappings());
        mappings(linux.putArray("gidMappings"), context.plan().gidMappings());
        spec.put("hostname", context.plan().hostname());
    }

    private static void mappings(ArrayNode target, List<IdMapping> mappings) {
        for (IdMapping mapping : mappings) {
            ObjectNode line = target.addObject();
            line.put("containerID", mapping.containerId());
            line.put("hostID", mapping.hostId());
            line.put("size", mapping.size());
        }
    }
}
