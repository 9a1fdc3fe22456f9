package dev.berth.api.jobs;

import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Query parameters parsed here rather than by JAX-RS, which answers a number it cannot read with
 * a bare 404 instead of saying which parameter was wrong.
 */
final class QueryValues {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");

    private QueryValues() {
    }

    /** A duration written {@code 500ms}, {@code 30s} or {@code 1m}, at most {@code max}; zero when the parameter is absent. */
    static Duration duration(String name, String value, Duration max) {
        if (value == null || value.isEmpty()) {
            return Duration.ZERO;
        }
        Matcher matcher = DURATION.matcher(value);
        if (!matcher.matches()) {
            throw new ProblemException(ProblemType.INVALID_PARAMETER, name + " must be a duration such as 30s, 500ms or 1m, got " + value);
        }
        long amount = Long.parseLong(matcher.group(1));
        Duration duration = switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
        if (duration.compareTo(max) > 0) {
            throw new ProblemException(ProblemType.INVALID_PARAMETER, name + " must be at most " + max.toSeconds() + "s, got " + value
                    + "; ask again when it ends");
        }
        return duration;
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
