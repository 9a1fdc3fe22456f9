package dev.berth.policy.tenant;

import dev.berth.policy.PlatformCeilings;
import dev.berth.policy.egress.EgressRule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a platform admin lets one tenant's jobs do, inside the platform's ceilings. Absent fields
 * take the strict defaults of {@link #defaults()}. Lists keep null elements so that
 * {@link TenantPolicyValidator} can name them instead of failing on them.
 */
public record TenantPolicy(
        String tier,
        List<String> allowedImages,
        PerJobMaxima maxResources,
        List<String> allowedCapabilities,
        List<String> networks,
        Integer defaultTimeoutSeconds,
        Integer maxTimeoutSeconds,
        Integer maxRetries,
        List<String> deniedEnv,
        List<EgressRule> egress) {

    public static final String ANY_IMAGE = "*";

    public TenantPolicy {
        tier = tier == null ? Tier.RESTRICTED.id() : tier;
        allowedImages = copy(allowedImages, List.of(ANY_IMAGE));
        maxResources = maxResources == null ? PerJobMaxima.NONE : maxResources;
        allowedCapabilities = copy(allowedCapabilities, List.of());
        networks = copy(networks, List.of(PlatformCeilings.NO_NETWORK));
        deniedEnv = copy(deniedEnv, List.of());
        egress = copy(egress, List.of());
    }

    /** A policy without an egress allow-list. */
    public TenantPolicy(String tier, List<String> allowedImages, PerJobMaxima maxResources, List<String> allowedCapabilities,
                        List<String> networks, Integer defaultTimeoutSeconds, Integer maxTimeoutSeconds, Integer maxRetries,
                        List<String> deniedEnv) {
        this(tier, allowedImages, maxResources, allowedCapabilities, networks, defaultTimeoutSeconds, maxTimeoutSeconds, maxRetries,
                deniedEnv, null);
    }

    /** Restricted tier, any image the platform has, platform ceilings and defaults, no capabilities, no network. */
    public static TenantPolicy defaults() {
        return new TenantPolicy(null, null, null, null, null, null, null, null, null, null);
    }

    /** An unknown tier counts as the strictest one; the validator keeps such a policy from being stored. */
    public Tier effectiveTier() {
        return Tier.of(tier).orElse(Tier.RESTRICTED);
    }

    private static <T> List<T> copy(List<T> values, List<T> absent) {
        return values == null ? absent : Collections.unmodifiableList(new ArrayList<>(values));
    }
}
