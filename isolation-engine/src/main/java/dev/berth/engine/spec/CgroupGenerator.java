package dev.berth.engine.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Places the container below the cgroup the engine created and limited. The limits themselves
 * are not handed to the runtime: rootless runtimes may drop them silently, so the engine writes
 * them into the parent cgroup and verifies them there.
 */
final class CgroupGenerator implements SpecGenerator {

    @Override
    public void generate(BundleContext context, ObjectNode spec) {
        spec.withObject("/linux").put("cgroupsPath", context.cgroupsPath());
    }
}
