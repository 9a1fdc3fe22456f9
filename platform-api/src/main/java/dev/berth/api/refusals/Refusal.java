package dev.berth.api.refusals;

import java.util.List;

/**
 * A request refused by the code that decided to refuse it, announced as a CDI event at that very
 * moment, so the refusal is audited whatever way its exception travels afterwards (to the HTTP
 * problem mapper, or caught by a console page that shows it). Quarkus announces its own
 * authentication and authorization failures the same way.
 *
 * @param action  the audit action: {@code policy.deny} or {@code authz.deny}
 * @param detail  what the caller is told
 * @param ruleIds the policy rules that refused, for {@code policy.deny}
 */
public record Refusal(String action, String detail, List<String> ruleIds) {

    public Refusal {
        ruleIds = List.copyOf(ruleIds);
    }
}
