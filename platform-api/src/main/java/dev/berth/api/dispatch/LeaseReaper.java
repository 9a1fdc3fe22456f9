package dev.berth.api.dispatch;

import dev.berth.api.config.BerthConfig;
import dev.berth.api.lifecycle.JobLifecycle;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Ends the attempts of engine replicas whose lease expired, on every replica (API-only ones too),
 * so that losing a node does not depend on any particular replica staying up. Reapers of several
 * replicas lock disjoint jobs ({@code SKIP LOCKED}) and never end one attempt twice.
 *
 * <p>A job is ended as lost within the lease duration plus one reap interval after its replica's
 * last renewal (10 s + 2 s by default), and its retry is claimed by an engine replica woken by
 * the announcement once the retry backoff has passed.
 */
@ApplicationScoped
public class LeaseReaper {

    private static final Logger LOG = Logger.getLogger(LeaseReaper.class);
    private static final int BATCH = 50;

    @Inject
    JobLifecycle lifecycle;
    @Inject
    BerthConfig config;

    private ScheduledExecutorService timer;

    /** After the dispatcher's start, which ends this replica's own orphans first as PlatformRestart. */
    void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 900) StartupEvent event) {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("berth-lease-reaper").factory());
        long every = config.lease().reapInterval().toMillis();
        timer.scheduleWithFixedDelay(this::reap, every, every, TimeUnit.MILLISECONDS);
    }

    /** Ends every lost attempt found now; returns how many. */
    public int reap() {
        int total = 0;
        try {
            int reaped;
            do {
                reaped = lifecycle.reapLost(BATCH);
                total += reaped;
            } while (reaped == BATCH);
        } catch (RuntimeException e) {
            LOG.errorf(e, "cannot reap the attempts of lost engine replicas; trying again in %s", config.lease().reapInterval());
        }
        if (total > 0) {
            LOG.warnf("ended %d attempt(s) whose engine replica lost its lease (NodeLost); those with retries left are queued again", total);
        }
        return total;
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
