package dev.berth.policy;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image reference split per the OCI distribution grammar:
 * {@code [host[:port]/]path[:tag][@sha256:digest]}. Names are taken literally ({@code busybox} is
 * not rewritten to {@code docker.io/library/busybox}), so allow-lists match what tenants write.
 */
public record ImageReference(String repository, String tag, String digest) {

    public static final int MAX_LENGTH = 512;

    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final String DOMAIN =
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?";
    /** A repository name without tag or digest. */
    public static final Pattern REPOSITORY = Pattern.compile("(?:" + DOMAIN + "/)?" + COMPONENT + "(?:/" + COMPONENT + ")*");
    public static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");
    private static final Pattern REFERENCE = Pattern.compile(
            "(" + REPOSITORY.pattern() + ")(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(" + DIGEST.pattern() + "))?");

    public static Optional<ImageReference> parse(String reference) {
        if (reference == null || reference.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        var matcher = REFERENCE.matcher(reference);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new ImageReference(matcher.group(1), matcher.group(2), matcher.group(3)));
    }
}
