package dev.berth.policy.tenant;

import dev.berth.policy.PlatformCeilings;
import dev.berth.policy.ResourceRequest;
import dev.berth.policy.Violation;
import dev.berth.policy.egress.EgressRules;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks a tenant policy before it is stored: it must be well-formed and stay inside the platform
 * baseline, so what an admin sees in the policy is what admission applies.
 */
public final class TenantPolicyValidator {

    private static final Pattern ENV_PATTERN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*\\*?|\\*");

    private final PlatformCeilings ceilings;
    private final List<Violation> violations = new ArrayList<>();

    private TenantPolicyValidator(PlatformCeilings ceilings) {
        this.ceilings = ceilings;
    }

    public static List<Violation> validate(TenantPolicy policy, PlatformCeilings ceilings) {
        TenantPolicyValidator validator = new TenantPolicyValidator(ceilings);
        validator.check(policy);
        return List.copyOf(validator.violations);
    }

    private void check(TenantPolicy policy) {
        if (Tier.of(policy.tier()).isEmpty()) {
            refuse("policy.tier", "tier", "the tier must be \"restricted\" or \"baseline\", got \"" + policy.tier() + "\"");
        }
        checkImages(policy.allowedImages());
        checkMaxima(policy.maxResources());
        checkCapabilities(policy);
        checkNetworks(policy);
        checkTimeouts(policy.defaultTimeoutSeconds(), policy.maxTimeoutSeconds());
        checkRange("maxRetries", policy.maxRetries(), 0, ceilings.maxRetries(), "", "policy.retries");
        checkDeniedEnv(policy.deniedEnv());
        checkEgress(policy);
    }

    private void checkEgress(TenantPolicy policy) {
        List<EgressRules.Problem> problems = EgressRules.check(policy.egress());
        problems.forEach(problem -> refuse("policy.egress", "egress" + problem.field(), problem.message()));
        if (!problems.isEmpty()) {
            return;
        }
        for (int i = 0; i < policy.egress().size(); i++) {
            if (EgressRules.alwaysDenied(policy.egress().get(i))) {
                refuse("policy.egress-denied", "egress[" + i + "].destination", policy.egress().get(i).destination()
                        + " lies wholly inside what the platform always denies (loopback, link-local and metadata, multicast): "
                        + "allowing it would allow nothing; remove it");
            }
        }
        if (!policy.egress().isEmpty() && !policy.networks().contains(PlatformCeilings.EGRESS_NETWORK)) {
            refuse("policy.egress-mode", "egress", "an egress allow-list takes effect only in network mode \"egress\": add \"egress\" to networks "
                    + "or leave egress out");
        }
    }

    private void checkImages(List<String> patterns) {
        for (int i = 0; i < patterns.size(); i++) {
            if (!ImagePattern.isValid(patterns.get(i))) {
                refuse("policy.images", "allowedImages[" + i + "]", "use *, a repository such as busybox, a prefix such as "
                        + "registry.local:5000/team/*, or a digest sha256:<64 hex digits>");
            }
        }
    }

    private void checkMaxima(PerJobMaxima maxima) {
        checkRange("maxResources.cpuMillis", maxima.cpuMillis(), ResourceRequest.MIN_CPU_MILLIS, ceilings.maxCpuMillis(), "", "policy.max-resources");
        checkRange("maxResources.memoryMiB", maxima.memoryMiB(), ResourceRequest.MIN_MEMORY_MIB, ceilings.maxMemoryMiB(), " MiB", "policy.max-resources");
        checkRange("maxResources.pids", maxima.pids(), ResourceRequest.MIN_PIDS, ceilings.maxPids(), "", "policy.max-resources");
        checkRange("maxResources.scratchMiB", maxima.scratchMiB(), ResourceRequest.MIN_SCRATCH_MIB, ceilings.maxScratchMiB(), " MiB", "policy.max-resources");
    }

    private void checkCapabilities(TenantPolicy policy) {
        List<String> capabilities = policy.allowedCapabilities();
        for (int i = 0; i < capabilities.size(); i++) {
            String capability = capabilities.get(i);
            String field = "allowedCapabilities[" + i + "]";
            if (!ceilings.allowedCapabilities().contains(capability)) {
                refuse("policy.capabilities", field, capability + " is not grantable on this platform; the baseline allows "
                        + describe(ceilings.allowedCapabilities()));
            } else if (policy.effectiveTier() == Tier.RESTRICTED) {
                refuse("policy.tier-capabilities", field, "the restricted tier grants no capabilities; set tier to \"baseline\" to grant "
                        + capability);
            }
        }
    }

    private void checkNetworks(TenantPolicy policy) {
        List<String> networks = policy.networks();
        for (int i = 0; i < networks.size(); i++) {
            String network = networks.get(i);
            String field = "networks[" + i + "]";
            if (!ceilings.networkModes().contains(network)) {
                refuse("policy.networks", field, "network \"" + network + "\" is not available on this platform; available: "
                        + describe(ceilings.networkModes()));
            } else if (!PlatformCeilings.NO_NETWORK.equals(network) && policy.effectiveTier() == Tier.RESTRICTED) {
                refuse("policy.tier-network", field, "the restricted tier allows only network \"none\"; set tier to \"baseline\" to allow \""
                        + network + "\"");
            }
        }
    }

    private void checkTimeouts(Integer defaultTimeout, Integer maxTimeout) {
        checkRange("defaultTimeoutSeconds", defaultTimeout, 1, ceilings.maxTimeoutSeconds(), " s", "policy.timeout");
        checkRange("maxTimeoutSeconds", maxTimeout, 1, ceilings.maxTimeoutSeconds(), " s", "policy.timeout");
        if (defaultTimeout != null && maxTimeout != null && defaultTimeout > maxTimeout) {
            refuse("policy.timeout", "defaultTimeoutSeconds", "the default timeout (" + defaultTimeout
                    + " s) must not exceed maxTimeoutSeconds (" + maxTimeout + " s)");
        }
    }

    private void checkDeniedEnv(List<String> patterns) {
        for (int i = 0; i < patterns.size(); i++) {
            String pattern = patterns.get(i);
            if (pattern == null || !ENV_PATTERN.matcher(pattern).matches()) {
                refuse("policy.env", "deniedEnv[" + i + "]", "use a variable name, or a prefix ending in * such as LD_*");
            }
        }
    }

    private void checkRange(String field, Integer value, int min, int max, String unit, String rule) {
        if (value != null && (value < min || value > max)) {
            refuse(rule, field, "must be between " + min + " and " + max + unit + " (the platform ceiling), got " + value);
        }
    }

    private void refuse(String rule, String field, String message) {
        violations.add(new Violation(rule, field, message));
    }

    static String describe(java.util.Set<String> values) {
        return values.isEmpty() ? "none" : String.join(", ", new TreeSet<>(values));
    }
}
