package dev.berth.engine.spec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.policy.IdMapping;
import dev.berth.policy.PlatformCeilings;
import java.util.List;
import java.util.Set;

/**
 * Fresh namespaces of every kind, so the job shares nothing with the host or other jobs, and the
 * user namespace ID maps from the plan. A fresh network namespace has only loopback.
 */
final class NamespaceGenerator implements SpecGenerator {

    static final Set<String> NETWORK_MODES = Set.of(PlatformCeilings.NO_NETWORK, PlatformCeilings.EGRESS_NETWORK);
    static final List<String> NAMESPACES = List.of("pid", "network", "ipc", "uts", "mount", "cgroup", "user");

    @Override
    public void generate(BundleContext context, ObjectNode spec) {
        // Egress jobs start with the same fresh, loopback-only namespace; the engine connects it at the start gate.
        if (!NETWORK_MODES.contains(context.plan().network())) {
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
