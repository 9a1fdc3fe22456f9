package dev.berth.api.problems;

import dev.berth.policy.Violation;
import java.util.List;

/** Ends a request with a problem response; nothing the request started is kept. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(ProblemType type, String detail) {
        super(detail);
        this.problem = Problem.of(type, detail);
    }

    private ProblemException(Problem problem) {
        super(problem.detail());
        this.problem = problem;
    }

    public static ProblemException refused(List<Violation> violations) {
        return new ProblemException(Problem.of(ProblemType.POLICY_VIOLATION,
                violations.size() + " rule(s) refuse this job; see violations", List.copyOf(violations)));
    }

    /** The request is not well-formed (its JSON, a header, a parameter); distinct from policy's 422, which refuses well-formed requests. */
    public static ProblemException malformed(String detail) {
        return new ProblemException(ProblemType.MALFORMED_REQUEST, detail);
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(ProblemType.NOT_FOUND, what + " does not exist");
    }

    public Problem problem() {
        return problem;
    }
}
