package dev.berth.policy.tenant;

import java.util.Locale;
import java.util.Optional;

/**
 * How much a tenant's jobs may ask for beyond the hardened minimum, after Kubernetes' Pod Security
 * Standards. {@code restricted} grants no capabilities and no network; {@code baseline} lets a
 * platform admin grant what the platform allows (NET_BIND_SERVICE at most, its network modes).
 */
public enum Tier {
    RESTRICTED,
    BASELINE;

    /** The name used in policy documents. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Tier> of(String id) {
        for (Tier tier : values()) {
            if (tier.id().equals(id)) {
                return Optional.of(tier);
            }
        }
        return Optional.empty();
    }
}
