package dev.berth.policy;

import java.util.List;

/** The outcome of admission: a plan to run, or the reasons it may not run. */
public sealed interface Admission {

    record Admitted(ExecutionPlan plan) implements Admission {
    }

    record Refused(List<Violation> violations) implements Admission {
        public Refused {
            if (violations.isEmpty()) {
                throw new IllegalArgumentException("a refusal needs at least one violation");
            }
            violations = List.copyOf(violations);
        }
    }
}
