package dev.berth.policy;

import dev.berth.policy.seccomp.SeccompProfiles;
import java.util.Set;
import java.util.TreeSet;

/**
 * The platform baseline: defaults and hard ceilings no tenant policy can lift. Values come from
 * the operator's configuration; {@link #defaults()} is what a fresh installation uses. A baseline
 * that would weaken an invariant (a capability other than NET_BIND_SERVICE, host networking, no
 * seccomp profile) is refused when the platform starts, not discovered in a running job.
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
        Set<String> networkModes,
        String seccompProfile) {

    /** The one capability a job may ever hold: binding ports below 1024 inside its own network namespace. */
    public static final Set<String> GRANTABLE_CAPABILITIES = Set.of("NET_BIND_SERVICE");
    public static final String NO_NETWORK = "none";
    /** Outbound connections to a tenant's allow-list only, through user-mode networking; see {@code dev.berth.policy.egress}. */
    public static final String EGRESS_NETWORK = "egress";
    public static final String DEFAULT_SECCOMP_PROFILE = SeccompProfiles.RESTRICTED;

    public PlatformCeilings {
        allowedCapabilities = Set.copyOf(allowedCapabilities);
        networkModes = Set.copyOf(networkModes);
        require(GRANTABLE_CAPABILITIES.containsAll(allowedCapabilities),
                "the platform may allow NET_BIND_SERVICE at most, got " + new TreeSet<>(allowedCapabilities));
        require(networkModes.contains(NO_NETWORK), "network mode \"none\" must stay available, got " + new TreeSet<>(networkModes));
        require(!networkModes.contains("host"), "network mode \"host\" would let jobs reach the platform's own ports");
        require(seccompProfile != null && SeccompProfiles.exists(seccompProfile),
                "the seccomp profile must be one kept in this repository (" + SeccompProfiles.RESTRICTED + "), got " + seccompProfile);
        require(defaultUser >= 1 && defaultUser <= 65_535, "the default user must be a non-root uid from 1 to 65535, got " + defaultUser);
        requireDefault("CPU millis", defaultCpuMillis, maxCpuMillis);
        requireDefault("memory MiB", defaultMemoryMiB, maxMemoryMiB);
        requireDefault("pids", defaultPids, maxPids);
        requireDefault("scratch MiB", defaultScratchMiB, maxScratchMiB);
        requireDefault("timeout seconds", defaultTimeoutSeconds, maxTimeoutSeconds);
        require(maxRetries >= 0, "max retries must not be negative, got " + maxRetries);
        require(openFiles >= 16, "open files must be at least 16, got " + openFiles);
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
                Set.of(NO_NETWORK),
                DEFAULT_SECCOMP_PROFILE);
    }

    private static void requireDefault(String what, int defaultValue, int max) {
        require(defaultValue >= 1 && defaultValue <= max,
                "the default " + what + " (" + defaultValue + ") must be between 1 and the ceiling (" + max + ")");
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException("invalid platform baseline: " + problem);
        }
    }
}
