package dev.berth.api.jobs;

import dev.berth.api.artifacts.ArtifactRetention;
import dev.berth.api.config.BerthConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** Periodically applies log retention and forgets expired idempotency keys. */
@ApplicationScoped
public class Housekeeping {

    private static final Logger LOG = Logger.getLogger(Housekeeping.class);

    @Inject
    LogRetention retention;
    @Inject
    IdempotencyKeys idempotencyKeys;
    @Inject
    ArtifactRetention artifacts;
    @Inject
    BerthConfig config;

    private ScheduledExecutorService timer;

    void start(@Observes StartupEvent event) {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("berth-housekeeping").factory());
        long every = config.logs().sweepInterval().toMillis();
        timer.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        try {
            int logs = retention.sweep();
            int keys = idempotencyKeys.expire();
            int data = artifacts.sweep();
            if (logs > 0 || keys > 0 || data > 0) {
                LOG.infof("retention removed the logs of %d job(s), %d expired idempotency key(s) and the artifacts or uploads of %d",
                        logs, keys, data);
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "housekeeping failed; trying again in %s", config.logs().sweepInterval());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
