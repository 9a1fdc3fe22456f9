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
        return FORMAT.parse(text, Instant::from);
    }
}
