package dev.berth.api.problems;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.berth.policy.Violation;
import java.util.List;

/** An RFC 9457 problem document; {@code type} is stable, {@code detail} is for people. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<Violation> violations) {

    public static final String MEDIA_TYPE = "application/problem+json";
    static final String TYPE_BASE = "https://berth.dev/problems/";

    public static Problem of(ProblemType type, String detail) {
        return of(type, detail, null);
    }

    static Problem of(ProblemType type, String detail, List<Violation> violations) {
        return new Problem(type.uri(), type.title(), type.status(), detail, violations);
    }

    /** A refusal by the HTTP layer before Berth's code ran (an unknown route, a method not allowed). */
    static Problem http(int status, String reason, String detail) {
        return new Problem(TYPE_BASE + "http-" + status, reason, status, detail, null);
    }
}
