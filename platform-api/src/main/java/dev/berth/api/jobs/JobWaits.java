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
        return poll(tenant, id, System.nanoTime() + wait.toNanos());
    }

    private CompletionStage<JobView> poll(String tenant, UUID id, long deadline) {
        // Registered before the read, so a transition committed between the two is not missed.
        CompletableFuture<Void> change = register(id);
        JobView view;
        try {
            view = jobs.view(tenant, id);
        } catch (RuntimeException e) {
            change.cancel(false);
            throw e;
        }
        long left = deadline - System.nanoTime();
        if (view.state().isFinal() || left <= 0) {
            change.cancel(false);
            return CompletableFuture.completedFuture(view);
        }
        return change.completeOnTimeout(null, Math.min(left, RECHECK.toNanos()), TimeUnit.NANOSECONDS)
                .thenComposeAsync(changed -> poll(tenant, id, deadline), Infrastructure.getDefaultWorkerPool());
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

    void changed(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobChanged change) {
        Set<CompletableFuture<Void>> futures = waiting.get(change.id());
        if (futures != null) {
            futures.forEach(future -> future.complete(null));
        }
    }
}
