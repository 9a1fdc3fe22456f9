package dev.berth.policy;

import dev.berth.policy.tenant.Tier;
import java.util.List;
import java.util.TreeSet;

/**
 * Capabilities are empty unless asked for, and then only those both the platform baseline and a
 * baseline-tier tenant policy grant. The result is sorted and without duplicates, so equal
 * requests give equal plans.
 */
final class CapabilityRule {

    private static final String NONE = "no capabilities: the job cannot use any root privilege, even inside its namespaces";

    private CapabilityRule() {
    }

    static List<String> resolve(List<String> requested, PlatformCeilings ceilings, AdmissionContext context, Findings findings) {
        Tier tier = context.policy().effectiveTier();
        List<String> asked = requested == null ? List.of() : requested;
        if (asked.isEmpty()) {
            findings.decide("capabilities.none", NONE);
            return List.of();
        }
        List<String> tenantGranted = tier == Tier.BASELINE ? context.policy().allowedCapabilities() : List.of();
        TreeSet<String> granted = new TreeSet<>();
        for (int i = 0; i < asked.size(); i++) {
            String capability = asked.get(i);
            String field = "capabilities[" + i + "]";
            if (capability == null || !ceilings.allowedCapabilities().contains(capability)) {
                findings.refuse("capabilities.ceiling", field, capability + " is never granted on this platform; jobs run without capabilities"
                        + (ceilings.allowedCapabilities().isEmpty() ? "" : " except " + String.join(", ", new TreeSet<>(ceilings.allowedCapabilities())))
                        + (capability != null && capability.startsWith("CAP_") ? " (write names without the CAP_ prefix)" : ""));
            } else if (!tenantGranted.contains(capability)) {
                findings.refuse("capabilities.policy", field, capability + " is not granted to tenant " + context.tenant() + " (tier "
                        + tier.id() + "); a platform admin can grant it with a baseline-tier policy");
            } else {
                granted.add(capability);
            }
        }
        findings.decide(granted.isEmpty() ? "capabilities.none" : "capabilities.granted", granted.isEmpty()
                ? NONE
                : "capabilities " + String.join(", ", granted) + " granted by tenant " + context.tenant() + "'s baseline policy");
        return List.copyOf(granted);
    }
}
