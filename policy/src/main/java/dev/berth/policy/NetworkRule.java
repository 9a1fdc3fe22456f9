package dev.berth.policy;

import dev.berth.policy.tenant.Tier;
import java.util.TreeSet;

/** Network is {@code none} (loopback only) unless the platform offers a mode and a baseline-tier policy allows it. */
final class NetworkRule {

    private NetworkRule() {
    }

    static String resolve(String requested, PlatformCeilings ceilings, AdmissionContext context, Findings findings) {
        if (requested == null || requested.equals(PlatformCeilings.NO_NETWORK)) {
            findings.decide("network.none", "network \"none\": a private loopback only, no route to the host or the platform");
            return PlatformCeilings.NO_NETWORK;
        }
        Tier tier = context.policy().effectiveTier();
        if (!ceilings.networkModes().contains(requested)) {
            findings.refuse("network.ceiling", "network", "network \"" + requested + "\" is not available on this platform; available: "
                    + String.join(", ", new TreeSet<>(ceilings.networkModes())));
        } else if (tier != Tier.BASELINE || !context.policy().networks().contains(requested)) {
            findings.refuse("network.policy", "network", "network \"" + requested + "\" is not allowed for tenant " + context.tenant()
                    + " (tier " + tier.id() + "); use \"none\" or ask a platform admin to allow it");
        } else {
            findings.decide("network.allowed", "network \"" + requested + "\" allowed by tenant " + context.tenant() + "'s baseline policy");
        }
        return requested;
    }
}
