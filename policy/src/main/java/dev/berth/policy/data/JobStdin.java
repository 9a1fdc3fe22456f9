package dev.berth.policy.data;

/** What a job reads on its standard input: UTF-8 {@code text} or {@code base64} bytes, exactly one of them. */
public record JobStdin(String text, String base64) {
}
