package dev.berth.api.dispatch;

import com.sun.management.OperatingSystemMXBean;
import dev.berth.api.config.BerthConfig;
import java.lang.management.ManagementFactory;

/**
 * What this replica may promise to the jobs it runs at once. CPU is a cgroup quota, so promising
 * more than the host's cores would let busy jobs slow each other below what they were promised;
 * memory beyond the host's would end in the kernel's OOM killer choosing victims.
 */
public record HostCapacity(int cpuMillis, int memoryMiB) {

    public HostCapacity {
        if (cpuMillis <= 0 || memoryMiB <= 0) {
            throw new IllegalArgumentException("host capacity must be positive, got " + cpuMillis + " CPU millis and "
                    + memoryMiB + " MiB: set berth.dispatch.capacity-cpu-millis and capacity-memory-mib");
        }
    }

    /** The configured capacity, or the host's cores and physical memory less the reserve. */
    public static HostCapacity of(BerthConfig.Dispatch config) {
        int cpu = config.capacityCpuMillis().orElseGet(() -> Runtime.getRuntime().availableProcessors() * 1000);
        int memory = config.capacityMemoryMib().orElseGet(() -> {
            long total = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
            return (int) Math.max(0, total / (1024 * 1024) - config.reservedMemoryMib());
        });
        return new HostCapacity(cpu, memory);
    }

    /** What is left while jobs using the given amounts run here. */
    public Room free(int usedCpuMillis, int usedMemoryMiB) {
        return new Room(cpuMillis - usedCpuMillis, memoryMiB - usedMemoryMiB);
    }

    /** Free CPU and memory; a job is claimed only if it fits. */
    public record Room(int cpuMillis, int memoryMiB) {
    }
}
