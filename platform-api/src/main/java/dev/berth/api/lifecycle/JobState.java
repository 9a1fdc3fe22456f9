package dev.berth.api.lifecycle;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a job is in its life; the last three are final. Java and SQL both name states through
 * this enum: writes bind {@link #name()}, and conditions that must match a partial index (whose
 * predicate PostgreSQL can prove only against literals, never against a bind parameter of a
 * generic plan) embed {@link #sql()}.
 */
public enum JobState {
    QUEUED, STARTING, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    /** Claimed by a replica: what quotas and host capacity count. */
    public static final Set<JobState> ACTIVE = Collections.unmodifiableSet(EnumSet.of(STARTING, RUNNING));
    /** Not final yet: a cancel still applies, and the job's image must be kept. */
    public static final Set<JobState> OPEN = Collections.unmodifiableSet(EnumSet.of(QUEUED, STARTING, RUNNING));

    public boolean isFinal() {
        return !OPEN.contains(this);
    }

    /** The state as an SQL string literal. */
    public String sql() {
        return "'" + name() + "'";
    }

    /** The states as the list of an SQL {@code IN (...)}, in declaration order. */
    public static String sql(Set<JobState> states) {
        return states.stream().map(JobState::sql).collect(Collectors.joining(", "));
    }

    /** The states as bind values of an {@code IN (:states)} list. */
    public static List<String> names(Set<JobState> states) {
        return states.stream().map(Enum::name).toList();
    }
}
