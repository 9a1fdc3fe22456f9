package dev.berth.api.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.berth.api.problems.ProblemException;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Why a client's JSON was refused, for the person who sent it: the field path or the line and
 * column, what belongs there and what kind of value came instead. Values are never quoted back (an
 * {@code env} value may be a secret); Jackson's own syntax messages quote at most
 * {@link StrictJson#QUOTED_TOKEN_CHARS} characters of a bad token.
 */
final class MalformedJson {

    private static final int REASON_CHARS = 300;
    private static final String ONE_OBJECT = "send exactly one JSON object";
    private static final String STRICT = "Berth reads strict JSON (RFC 8259): no comments, trailing commas, single quotes, "
            + "unquoted names, NaN or leading zeros, and each name once per object";
    /**
     * Parts of Jackson's syntax messages meant for the server's programmer (enable a parser
     * feature, the redacted source): the client cannot act on them, {@link #STRICT} says what to do.
     */
    private static final Pattern SERVER_ADVICE = Pattern.compile(
            ": enable `[^`]+` to allow| \\(not recognized as one since Feature '\\w+' not enabled for parser\\)"
            + "|\\[Source: [^;]*; (line: \\d+, column: \\d+)]");

    private MalformedJson() {
    }

    /** The text is not one well-formed JSON document. */
    static ProblemException syntax(JsonProcessingException e) {
        String where = position(e.getLocation()) + field(e.getProcessor());
        if (e instanceof MismatchedInputException) {
            // The syntax step binds to a tree, so its only mismatch is FAIL_ON_TRAILING_TOKENS.
            return ProblemException.malformed("a second JSON value follows the object" + where + "; " + ONE_OBJECT);
        }
        if (e instanceof StreamConstraintsException) {
            return ProblemException.malformed("the document is beyond Berth's limits" + where + ": " + reason(e));
        }
        return ProblemException.malformed("not valid JSON" + where + ": " + withoutServerAdvice(reason(e)) + "; " + STRICT);
    }

    /** Well-formed JSON, but not an object: nothing, {@code null}, an array or a bare value. */
    static ProblemException notAnObject(JsonNode document) {
        String got = document.isMissingNode() ? "nothing (the body is empty or only whitespace)" : kind(document);
        return ProblemException.malformed("expected one JSON object, got " + got + "; " + ONE_OBJECT);
    }

    /** A JSON object that does not fit the request type. */
    static ProblemException mismatch(JsonProcessingException e, JsonNode document) {
        if (!(e instanceof JsonMappingException mapping)) {
            return ProblemException.malformed("the document does not fit this request: " + reason(e));
        }
        String path = JsonPaths.of(mapping.getPath());
        String at = path.isEmpty() ? "" : path + ": ";
        if (mapping instanceof UnrecognizedPropertyException unknown) {
            return ProblemException.malformed("unknown field " + path + "; known fields" + parent(path) + ": "
                    + String.join(", ", unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList()));
        }
        if (mapping instanceof InvalidNullException) {
            return ProblemException.malformed(at + "null is not allowed here; remove it or give a value");
        }
        InputCoercionException range = causeOf(mapping, InputCoercionException.class);
        if (range != null) {
            return ProblemException.malformed(at + "the number is out of range; expected " + integerRange(range.getTargetType()));
        }
        if (mapping instanceof MismatchedInputException wrongKind) {
            return ProblemException.malformed(at + "expected " + expected(wrongKind.getTargetType()) + ", got "
                    + kind(JsonPaths.follow(document, mapping.getPath())));
        }
        return ProblemException.malformed(at + reason(mapping));
    }

    private static String withoutServerAdvice(String reason) {
        return SERVER_ADVICE.matcher(reason).replaceAll(kept -> kept.group(1) == null ? "" : kept.group(1));
    }

    private static String position(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String field(Object processor) {
        String path = processor instanceof JsonParser parser ? JsonPaths.of(parser.getParsingContext()) : "";
        return path.isEmpty() ? "" : " (in " + path + ")";
    }

    private static String parent(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? "" : " of " + path.substring(0, dot);
    }

    private static String reason(JsonProcessingException e) {
        String message = Objects.requireNonNullElse(e.getOriginalMessage(), e.getClass().getSimpleName());
        return message.length() > REASON_CHARS ? message.substring(0, REASON_CHARS) + "…" : message;
    }

    private static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String integerRange(Class<?> target) {
        boolean isLong = target == Long.class || target == long.class;
        return "a whole number from " + (isLong ? Long.MIN_VALUE : Integer.MIN_VALUE) + " to " + (isLong ? Long.MAX_VALUE : Integer.MAX_VALUE);
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "another kind of value";
        }
        if (CharSequence.class.isAssignableFrom(type) || type.isEnum()) {
            return "a string";
        }
        if (List.of(Integer.class, int.class, Long.class, long.class, Short.class, short.class, BigInteger.class).contains(type)) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return Map.class.isAssignableFrom(type) ? "an object of names and values" : "an object";
    }

    private static String kind(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> value.isIntegralNumber() ? "a whole number" : "a number with a fraction";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> "nothing";
        };
    }
}
