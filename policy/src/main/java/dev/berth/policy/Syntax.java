package dev.berth.policy;

/**
 * Character-level checks for names that admission sees on every request. Written out instead of
 * regular expressions because admission has to cost less than parsing the request's JSON.
 */
final class Syntax {

    private static final int MAX_LABEL_NAME = 63;
    private static final int MAX_LABEL_PREFIX = 253;

    private Syntax() {
    }

    /** {@code [A-Za-z_][A-Za-z0-9_]*} */
    static boolean isEnvName(String name) {
        if (name == null || name.isEmpty() || isDigit(name.charAt(0))) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(isLetter(c) || isDigit(c) || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** A Kubernetes label name or value: up to 63 of {@code [A-Za-z0-9-_.]}, alphanumeric at both ends. */
    static boolean isLabelName(String name, int from, int to) {
        int length = to - from;
        if (length < 1 || length > MAX_LABEL_NAME || !isAlphanumeric(name.charAt(from)) || !isAlphanumeric(name.charAt(to - 1))) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = name.charAt(i);
            if (!(isAlphanumeric(c) || c == '-' || c == '_' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /** {@code [prefix/]name} with a DNS subdomain prefix. */
    static boolean isLabelKey(String key) {
        int slash = key.indexOf('/');
        if (slash < 0) {
            return isLabelName(key, 0, key.length());
        }
        return isDnsSubdomain(key, 0, slash) && isLabelName(key, slash + 1, key.length());
    }

    /** Lower-case DNS labels joined by dots, each alphanumeric at both ends, at most 253 characters. */
    static boolean isDnsSubdomain(String text, int from, int to) {
        if (to - from < 1 || to - from > MAX_LABEL_PREFIX) {
            return false;
        }
        int labelStart = from;
        for (int i = from; i <= to; i++) {
            if (i == to || text.charAt(i) == '.') {
                if (i == labelStart || !isLowerAlphanumeric(text.charAt(labelStart)) || !isLowerAlphanumeric(text.charAt(i - 1))) {
                    return false;
                }
                labelStart = i + 1;
            } else {
                char c = text.charAt(i);
                if (!(isLowerAlphanumeric(c) || c == '-')) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The UTF-8 length, without encoding the text; an unpaired surrogate counts 3 bytes, like its replacement character. */
    static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAlphanumeric(char c) {
        return isLetter(c) || isDigit(c);
    }

    private static boolean isLowerAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || isDigit(c);
    }
}
