package dev.berth.engine.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.policy.Limits;

/**
 * Places the container below the cgroup the engine created and limited, and asks the runtime for
 * the same limits on the container's own cgroup: that is the one a program inside sees through
 * its cgroup namespace (a JVM sizes its heap from it). Rootless runtimes may drop these silently;
 * the engine's parent cgroup enforces them regardless.
 */
final class CgroupGenerator implements SpecGenerator {

    @Override
    public void generate(BundleContext context, ObjectNode spec) {
        ObjectNode linux = spec.withObject("/linux");
        linux.put("cgroupsPath", context.cgroupsPath());
        Limits limits = context.plan().limits();
        ObjectNode resources = linux.putObject("resources");
        ObjectNode memory = resources.putObject("memory");
        memory.put("limit", limits.memoryBytes());
        memory.put("swap", limits.memoryBytes());
        ObjectNode cpu = resources.putObject("cpu");
        cpu.put("quota", limits.cpuQuotaMicros());
        cpu.put("period", Limits.CPU_PERIOD_MICROS);
        resources.putObject("pids").put("limit", limits.pids());
    }
}
