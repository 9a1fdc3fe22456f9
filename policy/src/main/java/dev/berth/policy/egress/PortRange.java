package dev.berth.policy.egress;

import java.util.Optional;

/** Ports {@code from} to {@code to}, both included, 1 to 65535. */
public record PortRange(int from, int to) {

    public static final PortRange ALL = new PortRange(1, 65_535);

    public PortRange {
        if (from < 1 || to > 65_535 || from > to) {
            throw new IllegalArgumentException("ports must be 1-65535 with from <= to, got " + from + "-" + to);
        }
    }

    /** {@code 443} or {@code 8000-8100}; digits only, no signs, spaces or leading zeros. */
    public static Optional<PortRange> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int dash = text.indexOf('-');
        Optional<Integer> from = port(dash < 0 ? text : text.substring(0, dash));
        Optional<Integer> to = dash < 0 ? from : port(text.substring(dash + 1));
        if (from.isEmpty() || to.isEmpty() || from.get() > to.get()) {
            return Optional.empty();
        }
        return Optional.of(new PortRange(from.get(), to.get()));
    }

    private static Optional<Integer> port(String digits) {
        if (digits.isEmpty() || digits.length() > 5 || digits.charAt(0) == '0') {
            return Optional.empty();
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return Optional.empty();
            }
        }
        int port = Integer.parseInt(digits);
        return port <= 65_535 ? Optional.of(port) : Optional.empty();
    }

    public boolean contains(PortRange other) {
        return from <= other.from && other.to <= to;
    }

    @Override
    public String toString() {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
