package dev.berth.policy;

import java.util.Optional;

/**
 * An image reference split per the OCI distribution grammar:
 * {@code [host[:port]/]path[:tag][@sha256:digest]}. Names are taken literally ({@code busybox} is
 * not rewritten to {@code docker.io/library/busybox}), so allow-lists match what tenants write.
 * The grammar is checked character by character rather than with the reference regular
 * expression, which alone cost more than parsing a whole request's JSON.
 */
public record ImageReference(String repository, String tag, String digest) {

    public static final int MAX_LENGTH = 512;
    private static final String DIGEST_PREFIX = "sha256:";
    private static final int DIGEST_HEX = 64;
    private static final int MAX_TAG = 128;

    public static Optional<ImageReference> parse(String reference) {
        if (reference == null || reference.isEmpty() || reference.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String digest = null;
        String nameAndTag = reference;
        int at = reference.indexOf('@');
        if (at >= 0) {
            digest = reference.substring(at + 1);
            nameAndTag = reference.substring(0, at);
            if (!isDigest(digest)) {
                return Optional.empty();
            }
        }
        String tag = null;
        String name = nameAndTag;
        int colon = nameAndTag.lastIndexOf(':');
        if (colon > nameAndTag.lastIndexOf('/')) {
            tag = nameAndTag.substring(colon + 1);
            name = nameAndTag.substring(0, colon);
            if (!isTag(tag)) {
                return Optional.empty();
            }
        }
        return isRepository(name) ? Optional.of(new ImageReference(name, tag, digest)) : Optional.empty();
    }

    /** {@code sha256:} and 64 lower-case hex digits. */
    public static boolean isDigest(String text) {
        if (text.length() != DIGEST_PREFIX.length() + DIGEST_HEX || !text.startsWith(DIGEST_PREFIX)) {
            return false;
        }
        for (int i = DIGEST_PREFIX.length(); i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** A repository name without tag or digest: an optional {@code host[:port]/} and lower-case path components. */
    public static boolean isRepository(String name) {
        int firstSlash = name.indexOf('/');
        if (firstSlash > 0 && isDomain(name, 0, firstSlash) && isPath(name, firstSlash + 1, name.length())) {
            return true;
        }
        return isPath(name, 0, name.length());
    }

    private static boolean isTag(String tag) {
        if (tag.isEmpty() || tag.length() > MAX_TAG || !isWord(tag.charAt(0))) {
            return false;
        }
        for (int i = 1; i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (!(isWord(c) || c == '.' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** Components separated by '/'. */
    private static boolean isPath(String text, int from, int to) {
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i == to || text.charAt(i) == '/') {
                if (!isPathComponent(text, start, i)) {
                    return false;
                }
                start = i + 1;
            }
        }
        return true;
    }

    /** {@code [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*} */
    private static boolean isPathComponent(String text, int from, int to) {
        if (from >= to || !isLowerAlnum(text.charAt(from)) || !isLowerAlnum(text.charAt(to - 1))) {
            return false;
        }
        int i = from;
        while (i < to) {
            char c = text.charAt(i);
            if (isLowerAlnum(c)) {
                i++;
                continue;
            }
            int run = i;
            while (run < to && !isLowerAlnum(text.charAt(run))) {
                run++;
            }
            if (!isSeparator(text, i, run)) {
                return false;
            }
            i = run;
        }
        return true;
    }

    private static boolean isSeparator(String text, int from, int to) {
        int length = to - from;
        char first = text.charAt(from);
        if (first == '.') {
            return length == 1;
        }
        if (first == '_') {
            return length == 1 || (length == 2 && text.charAt(from + 1) == '_');
        }
        for (int i = from; i < to; i++) {
            if (text.charAt(i) != '-') {
                return false;
            }
        }
        return true;
    }

    /** {@code host[:port]} where host is dot-separated [a-zA-Z0-9-] labels, alphanumeric at both ends. */
    private static boolean isDomain(String text, int from, int to) {
        int colon = text.lastIndexOf(':', to - 1);
        int hostEnd = to;
        if (colon >= from) {
            if (colon == to - 1) {
                return false;
            }
            for (int i = colon + 1; i < to; i++) {
                if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                    return false;
                }
            }
            hostEnd = colon;
        }
        int start = from;
        for (int i = from; i <= hostEnd; i++) {
            if (i == hostEnd || text.charAt(i) == '.') {
                if (i == start || !isAlnum(text.charAt(start)) || !isAlnum(text.charAt(i - 1))) {
                    return false;
                }
                start = i + 1;
            } else if (!(isAlnum(text.charAt(i)) || text.charAt(i) == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLowerAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static boolean isAlnum(char c) {
        return isLowerAlnum(c) || (c >= 'A' && c <= 'Z');
    }

    private static boolean isWord(char c) {
        return isAlnum(c) || c == '_';
    }
}
