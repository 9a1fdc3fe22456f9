package dev.berth.api.problems;

import dev.berth.policy.Violation;
import java.util.List;

/** Ends a request with a problem response; nothing the request started is kept. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(int status, String type, String title, String detail) {
        super(detail);
        this.problem = Problem.of(status, type, title, detail);
    }

    private ProblemException(Problem problem) {
        super(problem.detail());
        this.problem = problem;
    }

    public static ProblemException refused(List<Violation> violations) {
        return new ProblemException(new Problem(Problem.TYPE_BASE + "policy-violation", "Request refused by policy", 422,
                violations.size() + " rule(s) refuse this job; see violations", List.copyOf(violations)));
    }

    /** The request is not well-formed (its JSON, a header, a parameter); distinct from policy's 422, which refuses well-formed requests. */
    public static ProblemException malformed(String detail) {
        return new ProblemException(400, "malformed-request", "Malformed request", detail);
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(404, "not-found", "Not found", what + " does not exist");
    }

    public Problem problem() {
        return problem;
    }
}
