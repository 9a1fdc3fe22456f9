package dev.berth.api.console;

import io.quarkus.qute.TemplateExtension;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** Numbers and times as console pages print them: {@code {seconds.fixed(2)}}, {@code {bytes.mib}}, {@code {instant.day}} {@code {instant.clock}}. */
@TemplateExtension
public final class ConsoleFormats {

    private static final double MIB = 1024 * 1024;

    private ConsoleFormats() {
    }

    static String fixed(Double value, int digits) {
        return value == null ? "—" : String.format(Locale.ROOT, "%." + digits + "f", value);
    }

    /** The UTC day of an ISO-8601 instant, {@code 2026-12-02}. */
    static String day(Object instant) {
        return instant == null ? "—" : Instant.parse(instant.toString()).atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }

    /** The UTC time of day of an ISO-8601 instant to the second, {@code 01:41:33}. */
    static String clock(Object instant) {
        return instant == null ? "" : Instant.parse(instant.toString()).atOffset(ZoneOffset.UTC).toLocalTime().truncatedTo(ChronoUnit.SECONDS)
                .format(DateTimeFormatter.ISO_LOCAL_TIME);
    }

    static String mib(Long bytes) {
        return bytes == null ? "—" : String.format(Locale.ROOT, "%.1f MiB", bytes / MIB);
    }
}
