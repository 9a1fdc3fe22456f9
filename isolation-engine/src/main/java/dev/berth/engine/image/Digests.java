package dev.berth.engine.image;

import java.util.HexFormat;

/** sha256 content digests as OCI writes them: {@code sha256:} and 64 lower-case hex digits; {@link dev.berth.policy.ImageReference#isDigest} checks the form. */
final class Digests {

    private static final String PREFIX = "sha256:";

    private Digests() {
    }

    static String of(byte[] sha256) {
        return PREFIX + HexFormat.of().formatHex(sha256);
    }

    static String hex(String digest) {
        return digest.substring(PREFIX.length());
    }
}
