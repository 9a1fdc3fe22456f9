package dev.berth.policy;

import dev.berth.policy.egress.EgressRule;
import dev.berth.policy.egress.EgressRules;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The destinations an {@code egress} job may reach: the tenant policy's allow-list, or the job's
 * narrowing of it, where every entry must lie inside a policy entry. Whatever either says, the
 * platform's always-denied destinations stay out of reach (the engine enforces them first).
 */
final class EgressAllowList {

    private EgressAllowList() {
    }

    static List<EgressRule> resolve(String network, List<EgressRule> requested, AdmissionContext context, Findings findings) {
        if (!PlatformCeilings.EGRESS_NETWORK.equals(network)) {
            if (requested != null) {
                findings.refuse("network.egress-mode", "egress", "an egress list applies only to network \"egress\"; set network to \"egress\" "
                        + "or leave egress out");
            }
            return List.of();
        }
        List<EgressRule> policy = context.policy().egress();
        List<EgressRule> effective = policy;
        if (requested != null) {
            List<EgressRules.Problem> problems = EgressRules.check(requested);
            problems.forEach(problem -> findings.refuse("network.egress", "egress" + problem.field(), problem.message()));
            if (!problems.isEmpty()) {
                return List.of();
            }
            for (int i = 0; i < requested.size(); i++) {
                EgressRule entry = requested.get(i);
                if (policy.stream().noneMatch(allowed -> EgressRules.within(entry, allowed))) {
                    findings.refuse("network.egress-policy", "egress[" + i + "]", entry + " is not inside tenant " + context.tenant()
                            + "'s egress allow-list (" + describe(policy) + "); narrow it to an allowed destination, port and protocol");
                }
            }
            effective = requested;
        }
        if (effective.isEmpty() && !findings.refused("network")) {
            findings.refuse("network.egress-empty", requested == null ? "network" : "egress", "no destination is allowed for tenant "
                    + context.tenant() + ": ask a platform admin to add an egress allow-list to the policy, or use network \"none\"");
            return List.of();
        }
        List<EgressRule> normalized = effective.stream().map(EgressRule::normalized).toList();
        findings.decide("network.egress", "outbound " + describe(normalized) + " only; loopback, link-local and metadata addresses, "
                + "the host's own addresses and the platform's networks are always refused; host names resolve through Berth's resolver "
                + "to the addresses pinned when the job starts");
        return normalized;
    }

    private static String describe(List<EgressRule> rules) {
        return rules.isEmpty() ? "empty" : rules.stream().map(EgressRule::toString).collect(Collectors.joining(", "));
    }
}
