package dev.berth.api.audit.chain;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The one text form of audit times: UTC, always six fractional digits, e.g. {@code 2026-11-22T16:00:52.123456Z}. */
public final class Timestamps {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    public static String format(Instant time) {
        return FORMAT.format(time);
    }

    public static Instant parse(String text) {
        // Instant.parse is several times faster; a time not in the fixed format still fails the hash,
        // because the canonical form writes it back in the fixed format.
        return Instant.parse(text);
    }
}
