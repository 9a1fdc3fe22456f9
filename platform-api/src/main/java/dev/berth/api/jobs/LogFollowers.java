package dev.berth.api.jobs;

import dev.berth.api.lifecycle.JobChanged;
import dev.berth.api.lifecycle.OutputAppended;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Wakes the followers of a job's logs when more output is stored or the job changes, on this
 * replica or another (the announcements of LISTEN/NOTIFY). A follower waits as a future, not as a
 * thread; the timeout is the safety net for an announcement missed while the listener reconnected.
 */
@ApplicationScoped
public class LogFollowers {

    static final Duration SAFETY_NET = Duration.ofSeconds(2);

    private final ConcurrentHashMap<UUID, Set<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();

    /** Completes at the job's next output or change, or after the safety net; take it before reading, so nothing is missed between. */
    public CompletableFuture<Void> next(UUID job) {
        CompletableFuture<Void> signal = new CompletableFuture<>();
        // compute, not computeIfAbsent and add: a wake-up removing the set in between would miss the signal.
        waiting.compute(job, (id, signals) -> {
            Set<CompletableFuture<Void>> all = signals == null ? ConcurrentHashMap.newKeySet() : signals;
            all.add(signal);
            return all;
        });
        signal.completeOnTimeout(null, SAFETY_NET.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ignored, failure) -> forget(job, signal));
        return signal;
    }

    void output(@Observes(during = TransactionPhase.AFTER_SUCCESS) OutputAppended appended) {
        wake(appended.id());
    }

    void changed(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobChanged change) {
        wake(change.id());
    }

    private void wake(UUID job) {
        Set<CompletableFuture<Void>> signals = waiting.remove(job);
        if (signals != null) {
            signals.forEach(signal -> signal.complete(null));
        }
    }

    private void forget(UUID job, CompletableFuture<Void> signal) {
        waiting.computeIfPresent(job, (id, signals) -> {
            signals.remove(signal);
            return signals.isEmpty() ? null : signals;
        });
    }
}
