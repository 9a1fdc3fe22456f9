package dev.berth.api.console;

import io.quarkus.qute.TemplateExtension;
import java.util.Locale;

/** Numbers as console pages print them: {@code {seconds.fixed(2)}}, {@code {bytes.mib}}. */
@TemplateExtension
public final class ConsoleFormats {

    private static final double MIB = 1024 * 1024;

    private ConsoleFormats() {
    }

    static String fixed(Double value, int digits) {
        return value == null ? "—" : String.format(Locale.ROOT, "%." + digits + "f", value);
    }

    static String mib(Long bytes) {
        return bytes == null ? "—" : String.format(Locale.ROOT, "%.1f MiB", bytes / MIB);
    }
}
