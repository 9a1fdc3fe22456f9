package dev.berth.api.sql;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;

/** Values of native query rows, whose Java type for one SQL type depends on the driver and Hibernate's settings. */
public final class NativeRows {

    private NativeRows() {
    }

    /** A {@code timestamptz} column as an instant; null stays null. */
    public static Instant instant(Object value) {
        return switch (value) {
            case null -> null;
            case Instant instant -> instant;
            case OffsetDateTime offset -> offset.toInstant();
            case Timestamp timestamp -> timestamp.toInstant();
            default -> throw new IllegalStateException("unexpected timestamp type " + value.getClass());
        };
    }
}
