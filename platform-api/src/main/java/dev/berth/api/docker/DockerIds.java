package dev.berth.api.docker;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Docker names containers by 64 hex digits and accepts any unique prefix; Berth's containers are
 * UUIDs. The Docker ID is the UUID's 32 hex digits followed by the same again.
 */
final class DockerIds {

    private static final Pattern HEX_PREFIX = Pattern.compile("[0-9a-f]{1,64}");

    private DockerIds() {
    }

    static String of(UUID id) {
        String hex = id.toString().replace("-", "");
        return hex + hex;
    }

    /** The hex a reference starts with, if it could be an ID or an ID's prefix. */
    static Optional<String> prefix(String reference) {
        String lower = reference.toLowerCase();
        return HEX_PREFIX.matcher(lower).matches() ? Optional.of(lower.length() > 32 ? lower.substring(0, 32) : lower) : Optional.empty();
    }
}
