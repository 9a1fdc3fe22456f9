package dev.berth.api.jobs;

import dev.berth.api.lifecycle.JobChanged;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code GET /jobs/{id}?wait=}: answers when the job is final or when the wait ends, whichever
 * comes first. No thread waits: a waiting request is a future that the job's next committed
 * transition completes (on this replica, or on another one through its announcement), after
 * which the job is read again on a worker thread.
 */
@ApplicationScoped
public class JobWaits {

    /** The longest wait a request may ask for; a client wanting longer asks again. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(60);
    /** A waiting request reads its job again at least this often, in case an announcement was missed (e.g. while reconnecting). */
    private static final Duration RECHECK = Duration.ofSeconds(2);

    @Inject
    JobService jobs;

    private final Map<UUID, Set<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();

    /**
     * The tenant's job once it is final, or as it is when {@code wait} ends. The first read
     * happens on the calling thread, so a missing job or a final one answers at once.
     */
    public CompletionStage<JobView> view(String tenant, UUID id, Duration wait) {
        if (wait.isZero()) {
            return CompletableFuture.completedFuture(jobs.view(tenant, id));
        }
        return poll(tenant, id, view -> view.state().isFinal(), System.nanoTime() + wait.toNanos());
    }

    /**
     * The tenant's job once it has left {@code seen}'s state or attempt (or is final), or as it is
     * when {@code wait} ends: the next transition for a follower of the job's events.
     */
    public CompletionStage<JobView> after(String tenant, UUID id, JobView seen, Duration wait) {
        return poll(tenant, id, view -> view.state().isFinal() || view.state() != seen.state() || view.attempts() != seen.attempts(),
                System.nanoTime() + wait.toNanos());
    }

    private CompletionStage<JobView> poll(String tenant, UUID id, Predicate<JobView> answered, long deadline) {
        // Registered before the read, so a transition committed between the two is not missed.
        CompletableFuture<Void> change = register(id);
        JobView view;
        try {
            view = jobs.view(tenant, id);
        } catch (RuntimeException e) {
            forget(change);
            throw e;
        }
        long left = deadline - System.nanoTime();
        if (answered.test(view) || left <= 0) {
            forget(change);
            return CompletableFuture.completedFuture(view);
        }
        return change.completeOnTimeout(null, Math.min(left, RECHECK.toNanos()), TimeUnit.NANOSECONDS)
                .thenComposeAsync(changed -> poll(tenant, id, answered, deadline), Infrastructure.getDefaultWorkerPool());
    }

    private CompletableFuture<Void> register(UUID id) {
        CompletableFuture<Void> change = new CompletableFuture<>();
        waiting.compute(id, (key, futures) -> {
            Set<CompletableFuture<Void>> registered = futures == null ? ConcurrentHashMap.newKeySet() : futures;
            registered.add(change);
            return registered;
        });
        change.whenComplete((changed, failure) -> waiting.computeIfPresent(id, (key, futures) -> {
            futures.remove(change);
            return futures.isEmpty() ? null : futures;
        }));
        return change;
    }

    // Completing (not cancelling) unregisters it without building two exceptions with their stack traces.
    private static void forget(CompletableFuture<Void> change) {
        change.complete(null);
    }

    void changed(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobChanged change) {
        Set<CompletableFuture<Void>> futures = waiting.get(change.id());
        if (futures != null) {
            futures.forEach(future -> future.complete(null));
        }
    }
}
