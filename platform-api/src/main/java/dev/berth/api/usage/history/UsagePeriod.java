package dev.berth.api.usage.history;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

/** The two bucket sizes usage is kept in, and how many buckets a chart of each shows. */
public enum UsagePeriod {
    HOUR(ChronoUnit.HOURS, 48),
    DAY(ChronoUnit.DAYS, 30);

    private final ChronoUnit unit;
    private final int shown;

    UsagePeriod(ChronoUnit unit, int shown) {
        this.unit = unit;
        this.shown = shown;
    }

    /** The word stored in {@code usage_buckets.period} and used in URLs. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<UsagePeriod> of(String id) {
        for (UsagePeriod period : values()) {
            if (period.id().equals(id)) {
                return Optional.of(period);
            }
        }
        return Optional.empty();
    }

    /** Start of the (UTC) bucket holding {@code time}. */
    public Instant bucketOf(Instant time) {
        return time.truncatedTo(unit);
    }

    /** Start of the bucket {@code count} buckets before the one of {@code time}. */
    public Instant before(Instant time, int count) {
        return bucketOf(time).minus(count, unit);
    }

    public Instant next(Instant bucket) {
        return bucket.plus(1, unit);
    }

    /** Buckets a chart shows, the current one last. */
    public int shown() {
        return shown;
    }
}
