package dev.berth.policy;

import java.util.Set;

/**
 * Platform-wide defaults and hard ceilings no tenant policy can lift. Values come from the
 * operator's configuration; {@link #defaults()} is what a fresh installation uses.
 */
public record PlatformCeilings(
        int defaultCpuMillis, int maxCpuMillis,
        int defaultMemoryMiB, int maxMemoryMiB,
        int defaultPids, int maxPids,
        int defaultScratchMiB, int maxScratchMiB,
        int defaultTimeoutSeconds, int maxTimeoutSeconds,
        int maxRetries,
        int openFiles,
        int defaultUser,
        Set<String> allowedCapabilities,
        Set<String> networkModes) {

    public PlatformCeilings {
        allowedCapabilities = Set.copyOf(allowedCapabilities);
        networkModes = Set.copyOf(networkModes);
    }

    public static PlatformCeilings defaults() {
        return new PlatformCeilings(
                1000, 2000,
                256, 4096,
                256, 1024,
                64, 1024,
                3600, 86_400,
                5,
                1024,
                1000,
                Set.of(),
                Set.of("none"));
    }
}
