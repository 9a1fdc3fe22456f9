package dev.berth.api.refusals;

import dev.berth.api.problems.ProblemException;
import dev.berth.policy.Violation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.util.List;

/**
 * Where the platform decides a refusal: each method announces the {@link Refusal} (the audit log
 * records it) before the caller ends the request.
 *
 * <pre>{@code refusals.refuseIfAny(TenantQuotaValidator.validate(quota));}</pre>
 */
@ApplicationScoped
public class Refusals {

    @Inject
    Event<Refusal> announced;

    /** Refuses for these policy violations; throw what it answers. */
    public ProblemException policy(List<Violation> violations) {
        ProblemException refusal = ProblemException.refused(violations);
        announced.fire(new Refusal("policy.deny", refusal.problem().detail(), violations.stream().map(Violation::rule).toList()));
        return refusal;
    }

    /** Refuses if there is any violation. */
    public void refuseIfAny(List<Violation> violations) {
        if (!violations.isEmpty()) {
            throw policy(violations);
        }
    }

    /**
     * Announces an authorization refusal the platform decides itself (a role check of Quarkus'
     * announces its own); the caller then throws the exception its route answers with.
     */
    public void forbidden(String detail) {
        announced.fire(new Refusal("authz.deny", detail, List.of()));
    }
}
