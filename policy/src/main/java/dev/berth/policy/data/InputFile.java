package dev.berth.policy.data;

/**
 * A small file sent inline with the request, placed at {@code name} under the inputs path:
 * UTF-8 {@code text} or {@code base64} bytes, exactly one; {@code executable} adds the execute bits.
 */
public record InputFile(String name, String text, String base64, Boolean executable) {
}
