package dev.berth.api.policy;

import dev.berth.policy.PlatformCeilings;
import io.smallrye.config.ConfigMapping;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The platform baseline from {@code berth.policy.*}; anything not configured keeps the value of
 * {@link PlatformCeilings#defaults()}, so the defaults live in one place.
 */
@ConfigMapping(prefix = "berth.policy")
public interface PlatformBaselineConfig {

    OptionalInt defaultCpuMillis();

    OptionalInt maxCpuMillis();

    OptionalInt defaultMemoryMib();

    OptionalInt maxMemoryMib();

    OptionalInt defaultPids();

    OptionalInt maxPids();

    OptionalInt defaultScratchMib();

    OptionalInt maxScratchMib();

    OptionalInt defaultTimeoutSeconds();

    OptionalInt maxTimeoutSeconds();

    OptionalInt maxRetries();

    OptionalInt openFiles();

    OptionalInt defaultUser();

    /** At most NET_BIND_SERVICE; the platform refuses to start with anything else. */
    Optional<Set<String>> allowedCapabilities();

    /** Always includes {@code none}; {@code host} is refused. */
    Optional<Set<String>> networkModes();

    Optional<String> seccompProfile();

    default PlatformCeilings ceilings() {
        PlatformCeilings d = PlatformCeilings.defaults();
        return new PlatformCeilings(
                defaultCpuMillis().orElse(d.defaultCpuMillis()), maxCpuMillis().orElse(d.maxCpuMillis()),
                defaultMemoryMib().orElse(d.defaultMemoryMiB()), maxMemoryMib().orElse(d.maxMemoryMiB()),
                defaultPids().orElse(d.defaultPids()), maxPids().orElse(d.maxPids()),
                defaultScratchMib().orElse(d.defaultScratchMiB()), maxScratchMib().orElse(d.maxScratchMiB()),
                defaultTimeoutSeconds().orElse(d.defaultTimeoutSeconds()), maxTimeoutSeconds().orElse(d.maxTimeoutSeconds()),
                maxRetries().orElse(d.maxRetries()),
                openFiles().orElse(d.openFiles()),
                defaultUser().orElse(d.defaultUser()),
                allowedCapabilities().orElse(d.allowedCapabilities()),
                networkModes().orElse(d.networkModes()),
                seccompProfile().orElse(d.seccompProfile()));
    }
}
