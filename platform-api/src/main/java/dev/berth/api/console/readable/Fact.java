package dev.berth.api.console.readable;

import java.util.List;

/** One row of a readable document: what it is, and its value as one or more lines of text. */
public record Fact(String label, List<String> lines) {

    public static Fact of(String label, String value) {
        return new Fact(label, List.of(value));
    }

    /** A value of one line is shown as text, several as a list. */
    public boolean single() {
        return lines.size() == 1;
    }
}
