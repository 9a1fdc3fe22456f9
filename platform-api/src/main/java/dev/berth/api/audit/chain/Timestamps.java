package dev.berth.api.audit.chain;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The one text form of audit times: UTC, always six fractional digits, e.g.
 * {@code 2026-11-22T16:00:52.123456Z} (years 0000-9999). Written and read by hand because every
 * verified event passes through here, and java.time's pattern formatter costs microseconds a call.
 */
public final class Timestamps {

    private static final int LENGTH = 27;

    private Timestamps() {
    }

    public static String format(Instant time) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(time.getEpochSecond(), time.getNano(), ZoneOffset.UTC);
        char[] out = new char[LENGTH];
        put(out, 0, t.getYear(), 4);
        out[4] = '-';
        put(out, 5, t.getMonthValue(), 2);
        out[7] = '-';
        put(out, 8, t.getDayOfMonth(), 2);
        out[10] = 'T';
        put(out, 11, t.getHour(), 2);
        out[13] = ':';
        put(out, 14, t.getMinute(), 2);
        out[16] = ':';
        put(out, 17, t.getSecond(), 2);
        out[19] = '.';
        put(out, 20, t.getNano() / 1000, 6);
        out[26] = 'Z';
        return new String(out);
    }

    /** Accepts only the fixed form, so no two texts stand for the same recorded time. */
    public static Instant parse(String text) {
        if (text.length() != LENGTH || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(19) != '.' || text.charAt(26) != 'Z') {
            throw new DateTimeParseException("not in the form yyyy-MM-ddTHH:mm:ss.SSSSSSZ", text, 0);
        }
        try {
            return LocalDateTime.of(digits(text, 0, 4), digits(text, 5, 2), digits(text, 8, 2), digits(text, 11, 2),
                    digits(text, 14, 2), digits(text, 17, 2), digits(text, 20, 6) * 1000).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            throw new DateTimeParseException(e.getMessage(), text, 0, e);
        }
    }

    private static void put(char[] out, int at, int value, int width) {
        if (value < 0 || value >= Math.pow(10, width)) {
            throw new DateTimeException("audit times are limited to years 0000-9999, not " + value);
        }
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    private static int digits(String text, int at, int width) {
        int value = 0;
        for (int i = at; i < at + width; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new DateTimeParseException("a non-digit where a digit belongs", text, i);
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
