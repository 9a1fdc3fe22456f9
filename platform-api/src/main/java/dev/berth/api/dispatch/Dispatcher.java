package dev.berth.api.dispatch;

import dev.berth.api.config.BerthConfig;
import dev.berth.api.jobs.Job;
import dev.berth.api.jobs.JobLogs;
import dev.berth.api.jobs.JsonColumns;
import dev.berth.engine.EngineException;
import dev.berth.engine.IsolationEngine;
import dev.berth.engine.RunningJob;
import dev.berth.policy.ExecutionPlan;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Moves committed jobs from the queue to the engine, at most {@code berth.dispatch.max-concurrent}
 * at a time, and records each transition. Submissions wake it; a poll catches anything else
 * (another replica's jobs, a missed wake-up).
 */
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);

    @Inject
    IsolationEngine engine;
    @Inject
    JobTransitions transitions;
    @Inject
    JobLogs logs;
    @Inject
    JsonColumns json;
    @Inject
    BerthConfig config;

    private final Map<UUID, RunningJob> running = new ConcurrentHashMap<>();
    private final Object wakeUp = new Object();
    private Semaphore slots;
    private volatile boolean stopping;
    private Thread loop;

    void start(@Observes StartupEvent event) throws IOException {
        List<String> reaped = engine.reapLeftovers();
        if (!reaped.isEmpty()) {
            LOG.warnf("removed %d container(s) a previous run left behind: %s", reaped.size(), reaped);
        }
        int orphans = transitions.failOrphans();
        if (orphans > 0) {
            LOG.warnf("%d job(s) were running when the platform last stopped; they are FAILED with reason PlatformRestart", orphans);
        }
        slots = new Semaphore(config.dispatch().maxConcurrent());
        loop = Thread.ofPlatform().name("berth-dispatcher").daemon().start(this::dispatchLoop);
    }

    /** Called after a submission commits, so a new job starts without waiting for the next poll. */
    public void wake() {
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    private void dispatchLoop() {
        while (!stopping) {
            try {
                slots.acquire();
                Optional<Job> claimed = claim();
                if (claimed.isPresent()) {
                    launch(claimed.get());
                } else {
                    slots.release();
                    synchronized (wakeUp) {
                        wakeUp.wait(config.dispatch().pollInterval().toMillis());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Optional<Job> claim() {
        try {
            return transitions.claimNext();
        } catch (RuntimeException e) {
            LOG.errorf(e, "cannot claim queued jobs; retrying");
            return Optional.empty();
        }
    }

    private void launch(Job job) {
        RunningJob handle;
        try {
            handle = engine.start(json.read(job.planJson, ExecutionPlan.class), logs.directory(job.id));
        } catch (EngineException e) {
            transitions.failed(job.id, "EngineError", e.getMessage());
            slots.release();
            return;
        }
        running.put(job.id, handle);
        CompletableFuture<Void> recordedStart = handle.started().thenAccept(start -> transitions.running(job.id, start));
        // The engine completes started() before outcome() or never; the end is recorded after the start.
        handle.outcome()
                .thenCompose(outcome -> handle.started().isDone()
                        ? recordedStart.handle((ignored, failure) -> outcome)
                        : CompletableFuture.completedFuture(outcome))
                .thenAccept(outcome -> transitions.finished(job.id, outcome))
                .whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        LOG.errorf(failure, "could not record the end of job %s", job.id);
                    }
                    running.remove(job.id);
                    slots.release();
                });
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        if (loop != null) {
            loop.interrupt();
        }
        running.values().forEach(RunningJob::cancel);
        for (RunningJob job : running.values()) {
            try {
                job.outcome().get(config.engine().killGrace().toSeconds() + 5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warnf("a job did not stop in time during shutdown: %s", e.getMessage());
            }
        }
    }
}
