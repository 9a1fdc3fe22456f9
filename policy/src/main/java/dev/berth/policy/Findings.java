package dev.berth.policy;

import java.util.ArrayList;
import java.util.List;

/** What the admission rules found so far: violations refuse the job, decisions explain the plan. */
final class Findings {

    private final List<Violation> violations = new ArrayList<>();
    private final List<Decision> decisions = new ArrayList<>();

    void refuse(String rule, String field, String message) {
        violations.add(new Violation(rule, field, message));
    }

    void decide(String rule, String detail) {
        decisions.add(new Decision(rule, detail));
    }

    /** Whether a violation names {@code field} already, so a later rule need not pile another onto it. */
    boolean refused(String field) {
        return violations.stream().anyMatch(violation -> violation.field().equals(field));
    }

    List<Violation> violations() {
        return violations;
    }

    List<Decision> decisions() {
        return decisions;
    }
}
