package dev.berth.policy.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/** The bytes a request's text-or-base64 fields stand for, and their digests. */
public final class DataContent {

    private DataContent() {
    }

    /** The bytes, or empty when the value is not valid base64 (admission refuses it then). */
    public static Optional<byte[]> bytes(String text, String base64) {
        if (text != null) {
            return Optional.of(text.getBytes(StandardCharsets.UTF_8));
        }
        try {
            return Optional.of(Base64.getDecoder().decode(base64));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    public static byte[] of(JobStdin stdin) {
        return bytes(stdin.text(), stdin.base64()).orElseThrow(() -> new IllegalArgumentException("stdin is not valid base64"));
    }

    public static byte[] of(InputFile file) {
        return bytes(file.text(), file.base64()).orElseThrow(() -> new IllegalArgumentException(file.name() + " is not valid base64"));
    }

    public static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
