package dev.berth.api.secrets;

/** The body of {@code PUT /api/v1/secrets/{name}}: the value as UTF-8 {@code value} or as {@code base64}, exactly one. */
public record SecretValue(String value, String base64) {

    /** Never prints the value, should a body end up in a message. */
    @Override
    public String toString() {
        return "SecretValue[redacted]";
    }
}
