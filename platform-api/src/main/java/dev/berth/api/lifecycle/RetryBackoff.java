package dev.berth.api.lifecycle;

import java.time.Duration;

/** Exponential backoff between attempts: base, 2 x base, 4 x base ... up to the maximum. */
public record RetryBackoff(Duration base, Duration max) {

    /** The wait after the given failed attempt (1 for the first). */
    public Duration after(int failedAttempt) {
        int doublings = Math.min(Math.max(failedAttempt - 1, 0), 30);
        Duration wait = base.multipliedBy(1L << doublings);
        return wait.compareTo(max) > 0 ? max : wait;
    }
}
