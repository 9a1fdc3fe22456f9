package dev.berth.api.jobs;

import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;

/**
 * Query parameters parsed here rather than by JAX-RS, which answers a number it cannot read with
 * a bare 404 instead of saying which parameter was wrong.
 */
final class QueryValues {

    private QueryValues() {
    }

    /** The number, or null when the parameter is absent. */
    static Long number(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ProblemException(ProblemType.INVALID_PARAMETER, name + " must be a whole number, got " + value);
        }
    }

    static boolean flag(String name, String value) {
        if (value == null || value.isEmpty() || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw new ProblemException(ProblemType.INVALID_PARAMETER, name + " must be true or false, got " + value);
    }
}
