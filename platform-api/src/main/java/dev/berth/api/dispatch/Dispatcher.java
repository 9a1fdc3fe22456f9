package dev.berth.api.dispatch;

import dev.berth.api.artifacts.JobArtifacts;
import dev.berth.api.config.BerthConfig;
import dev.berth.api.inputs.JobPayloads;
import dev.berth.api.images.registry.RegistryFetch;
import dev.berth.api.jobs.JobLogs;
import dev.berth.api.jobs.LogShipper;
import dev.berth.api.json.JsonColumns;
import dev.berth.api.lifecycle.CancelRequested;
import dev.berth.api.lifecycle.Job;
import dev.berth.api.lifecycle.JobChanged;
import dev.berth.api.lifecycle.JobLifecycle;
import dev.berth.api.lifecycle.JobQueued;
import dev.berth.api.replica.EngineLease;
import dev.berth.api.replica.LeaseLost;
import dev.berth.api.replica.LocalEngine;
import dev.berth.engine.IsolationEngine;
import dev.berth.engine.JobOutcome;
import dev.berth.engine.RunningJob;
import dev.berth.engine.TerminationReason;
import dev.berth.engine.Usage;
import dev.berth.policy.ExecutionPlan;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Moves committed jobs from the queue to the engine while this replica has room: at most
 * {@code berth.dispatch.max-concurrent} jobs, and never more CPU or memory than the host capacity.
 * Committed submissions, ends and cancel requests wake it, those of other replicas too (see
 * JobAnnouncements); a poll catches the rest (retries whose backoff ran out, anything announced
 * while the listener was reconnecting).
 *
 * <p>It claims only under this replica's lease ({@link EngineLease}) and carries the lease's epoch
 * into every write of an attempt's result; when the lease is lost it stops every job it runs,
 * whose ends the fence then refuses to record (the reaper of some replica ends them as lost).
 * On SIGTERM it drains: claims nothing more, lets running jobs finish within the shutdown grace,
 * then stops the rest and hands them back to the queue.
 *
 * <p>A claimed job whose pinned image this replica lacks waits for {@link RegistryFetch} on the
 * fetch's own thread; the loop goes on claiming and starting other jobs and starts that one once
 * its image is here. A cancel, a lost lease or a shutdown while it waits ends it without a container.
 */
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);

    @Inject
    LocalEngine localEngine;
    @Inject
    JobLifecycle lifecycle;
    @Inject
    JobLogs logs;
    @Inject
    JsonColumns json;
    @Inject
    BerthConfig config;
    @Inject
    DispatchMetrics metrics;
    @Inject
    JobPayloads payloads;
    @Inject
    JobArtifacts artifacts;
    @Inject
    RegistryFetch registryFetch;
    @Inject
    EngineLease lease;
    @Inject
    LogShipper shipper;

    /** An attempt whose image fetch ended, for the loop to start or to refuse. */
    private record Fetched(ClaimedAttempt claimed, Throwable failure) {
    }

    /** Every attempt this replica claimed and has not finished with: starting, fetching its image, or running. */
    private final Map<UUID, ClaimedAttempt> running = new ConcurrentHashMap<>();
    private final Queue<Fetched> fetched = new ConcurrentLinkedQueue<>();
    private final Object wakeUp = new Object();
    /**
     * Set by every wake-up and cleared by the loop before it looks at the queue, so a wake-up that
     * arrives while a claim is under way makes the loop look again instead of sleeping a whole poll.
     */
    private boolean woken;
    /** Records starts and ends off the engine's threads, so a slow database never holds a job's own thread. */
    private final ExecutorService recorder = Executors.newVirtualThreadPerTaskExecutor();
    private HostCapacity capacity;
    private volatile boolean stopping;
    /** Set once shutdown stops the jobs that outlived the grace period; they are handed back (HandedBack). */
    private volatile boolean stoppingJobs;
    private Thread loop;
    private IsolationEngine engine;

    void start(@Observes StartupEvent event) throws IOException {
        Optional<IsolationEngine> local = localEngine.get();
        if (local.isEmpty()) {
            LOG.info("this replica runs no jobs (berth.dispatch.max-concurrent=0): it accepts and queues them for engine replicas");
            return;
        }
        engine = local.get();
        List<String> reaped = engine.reapLeftovers();
        if (!reaped.isEmpty()) {
            LOG.warnf("removed %d container(s) a previous run left behind: %s", reaped.size(), reaped);
        }
        long epoch = lease.acquire();
        int orphans = lifecycle.failOrphans(epoch);
        if (orphans > 0) {
            LOG.warnf("%d job(s) were running when the platform last stopped; their attempts ended with reason PlatformRestart "
                    + "(retried when retries are left)", orphans);
        }
        int adopted = shipper.adoptLeftovers();
        if (adopted > 0) {
            LOG.infof("stored the output of %d attempt(s) a previous run of this replica staged and had not shipped", adopted);
        }
        capacity = HostCapacity.of(config.dispatch());
        LOG.infof("dispatching up to %d jobs within %d CPU millis and %d MiB on this replica",
                config.dispatch().maxConcurrent(), capacity.cpuMillis(), capacity.memoryMiB());
        loop = Thread.ofPlatform().name("berth-dispatcher").daemon().start(this::dispatchLoop);
    }

    /** A new job starts without waiting for the next poll, once its submission (here or on another replica) is committed. */
    void queued(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobQueued job) {
        wake();
    }

    /** A job ended somewhere: its tenant's quota has room again, so a job of that tenant waiting here may fit now. */
    void changed(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobChanged change) {
        if (change.state().isFinal()) {
            wake();
        }
    }

    /** Stops the job at once if this replica runs it (the request may have been made through another replica). */
    void cancelRequested(@Observes(during = TransactionPhase.AFTER_SUCCESS) CancelRequested request) {
        cancelLocal(request.id());
    }

    /** This replica may no longer run what it claimed under the lost lease: another replica may be retrying it already. */
    void leaseLost(@Observes LeaseLost loss) {
        running.forEach((id, claimed) -> {
            if (claimed.epoch == loss.epoch()) {
                LOG.warnf("stopping job %s: the lease it was claimed under (epoch %d) is lost; its end will not be recorded here", id, loss.epoch());
                if (claimed.stop()) {
                    // It was waiting for its image: nothing ran, and the fence would refuse its end; the reaper ends it as lost.
                    claimed.done.complete(null);
                }
            }
        });
    }

    private void wake() {
        synchronized (wakeUp) {
            woken = true;
            wakeUp.notifyAll();
        }
    }

    private void cancelLocal(UUID id) {
        ClaimedAttempt claimed = running.get(id);
        if (claimed != null && claimed.stop()) {
            recorder.execute(() -> endUnstarted(claimed, false));
        }
    }

    private void dispatchLoop() {
        long lastCancelScan = System.nanoTime();
        while (!stopping) {
            synchronized (wakeUp) {
                woken = false;
            }
            startFetched();
            Optional<Job> claimed = running.size() < config.dispatch().maxConcurrent() ? claim() : Optional.empty();
            if (claimed.isPresent()) {
                launch(claimed.get());
                continue;
            }
            // Cancels made here or announced by other replicas arrive as events; the scan, once a poll, catches any missed.
            if (System.nanoTime() - lastCancelScan >= config.dispatch().pollInterval().toNanos()) {
                cancelRequested();
                lastCancelScan = System.nanoTime();
            }
            synchronized (wakeUp) {
                try {
                    if (!woken) {
                        wakeUp.wait(config.dispatch().pollInterval().toMillis());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private Optional<Job> claim() {
        int cpu = running.values().stream().mapToInt(ClaimedAttempt::cpuMillis).sum();
        int memory = running.values().stream().mapToInt(ClaimedAttempt::memoryMiB).sum();
        HostCapacity.Room room = capacity.free(cpu, memory);
        if (room.cpuMillis() <= 0 || room.memoryMiB() <= 0) {
            return Optional.empty();
        }
        long epoch = lease.epoch();
        if (epoch == EngineLease.NONE) {
            return Optional.empty();
        }
        long start = System.nanoTime();
        try {
            return lifecycle.claimNext(room.cpuMillis(), room.memoryMiB(), epoch);
        } catch (RuntimeException e) {
            LOG.errorf(e, "cannot claim queued jobs; retrying after the poll interval");
            return Optional.empty();
        } finally {
            metrics.claimed(Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private void cancelRequested() {
        try {
            lifecycle.cancelRequested().forEach(this::cancelLocal);
        } catch (RuntimeException e) {
            LOG.errorf(e, "cannot read cancel requests; retrying after the poll interval");
        }
    }

    /**
     * Starts a claimed job, or, when its pinned image must first be fetched from the registry,
     * leaves it waiting for that fetch (on the fetch's own thread) and goes on: the loop starts it
     * once the image is here.
     */
    private void launch(Job job) {
        ExecutionPlan plan;
        try {
            plan = json.read(job.planJson, ExecutionPlan.class);
        } catch (RuntimeException e) {
            lifecycle.engineRefused(job.id, job.attempts, job.leaseEpoch, e.getMessage());
            return;
        }
        ClaimedAttempt claimed = new ClaimedAttempt(job, plan);
        running.put(job.id, claimed);
        // The end is recorded as soon as it is known; the job holds its share of the host until its container is gone too.
        claimed.done.whenComplete((ignored, failure) -> {
            running.remove(job.id);
            wake();
            try {
                logs.deleteStaged(job.id, claimed.attempt);
            } catch (RuntimeException e) {
                LOG.warnf("%s; the staged output of job %s stays on this replica's disk", e.getMessage(), job.id);
            }
        });
        if (registryFetch.needed(plan.image())) {
            registryFetch.fetch(job.tenant, plan.image()).whenComplete((ignored, failure) -> {
                fetched.add(new Fetched(claimed, failure));
                wake();
            });
            return;
        }
        start(claimed);
    }

    private void startFetched() {
        for (Fetched next = fetched.poll(); next != null; next = fetched.poll()) {
            if (next.failure() == null) {
                start(next.claimed());
            } else if (next.claimed().abandon()) {
                refuse(next.claimed(), next.failure());
            }
        }
    }

    private void start(ClaimedAttempt claimed) {
        Job job = claimed.job;
        int attempt = claimed.attempt;
        long epoch = claimed.epoch;
        Optional<RunningJob> started;
        try {
            started = claimed.start(() -> engine.start(claimed.plan, logs.directory(job.id, attempt), payloads.forLaunch(job.id, job.tenant, claimed.plan)));
        } catch (RuntimeException e) {
            // An image removed since admission, a corrupt plan: this job cannot run here, now or later.
            if (claimed.abandon()) {
                refuse(claimed, e);
            }
            return;
        }
        if (started.isEmpty()) {
            return;
        }
        RunningJob handle = started.get();
        shipper.track(job.id, job.tenant, attempt, epoch);
        CompletableFuture<Void> recorded = new CompletableFuture<>();
        CompletableFuture.allOf(recorded, handle.released()).whenComplete((ignored, failure) -> claimed.done.complete(null));
        CompletableFuture<Void> recordedStart = handle.started().thenAcceptAsync(start -> {
            if (!lifecycle.started(job.id, attempt, epoch, start)) {
                fencedOff(job, attempt, epoch, handle);
                return;
            }
            metrics.started(job.tenant, attempt, Duration.between(job.createdAt, start.startedAt()));
        }, recorder);
        // The engine completes started() before outcome() or never; the end is recorded after the start.
        handle.outcome()
                .thenCompose(outcome -> handle.started().isDone()
                        ? recordedStart.handle((ignored, failure) -> outcome)
                        : CompletableFuture.completedFuture(outcome))
                .thenAcceptAsync(outcome -> record(job, attempt, epoch, outcome), recorder)
                .whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        LOG.errorf(failure, "could not record the end of job %s; the reaper ends it as lost once this replica's lease is gone",
                                job.id);
                    }
                    recorded.complete(null);
                });
    }

    /** The attempt could not start here (its image did not arrive, or the engine refused it); it never had a container. */
    private void refuse(ClaimedAttempt claimed, Throwable cause) {
        try {
            lifecycle.engineRefused(claimed.job.id, claimed.attempt, claimed.epoch, cause.getMessage() == null ? cause.toString() : cause.getMessage());
        } finally {
            claimed.done.complete(null);
        }
    }

    /**
     * Ends an attempt stopped before its container started, while its image was being fetched:
     * cancelled, or handed back when the replica shuts down. The fetch goes on for the store.
     */
    private void endUnstarted(ClaimedAttempt claimed, boolean shutdown) {
        Job job = claimed.job;
        JobOutcome outcome = new JobOutcome(Optional.empty(), Optional.of(TerminationReason.Cancelled),
                "stopped before it started, while this replica was fetching its image " + claimed.plan.image(), new Usage(0, 0, 0),
                Optional.empty(), job.imageDigest);
        try {
            if (lifecycle.finished(job.id, claimed.attempt, claimed.epoch, outcome, 0, shutdown).isEmpty()) {
                LOG.warnf("the end of job %s attempt %d was not recorded: lease epoch %d was fenced off", job.id, claimed.attempt, claimed.epoch);
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "could not record the end of job %s; the reaper ends it as lost once this replica's lease is gone", job.id);
        } finally {
            claimed.done.complete(null);
        }
    }

    /** Artifacts and the rest of the output first, then the end, all under the attempt's fence. */
    private void record(Job job, int attempt, long epoch, JobOutcome outcome) {
        long logBytes;
        try {
            logBytes = shipper.finish(job.id);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the last output of job " + job.id + " from " + logs.directory(job.id, attempt), e);
        }
        storeArtifacts(job, attempt, epoch, outcome);
        if (lifecycle.finished(job.id, attempt, epoch, outcome, logBytes, stoppingJobs).isEmpty()) {
            LOG.warnf("the end of job %s attempt %d was not recorded: the attempt is no longer this replica's (lease epoch %d fenced off)",
                    job.id, attempt, epoch);
        }
    }

    private void fencedOff(Job job, int attempt, long epoch, RunningJob handle) {
        LOG.warnf("stopping job %s attempt %d: it is no longer this replica's to run (lease epoch %d fenced off)", job.id, attempt, epoch);
        handle.cancel();
    }

    /** Before the end is recorded, so a client that sees the job final finds its artifacts too; fenced like the end. */
    private void storeArtifacts(Job job, int attempt, long epoch, JobOutcome outcome) {
        // Most jobs collect nothing: no transaction (and no commit to wait for) just to learn that.
        if (outcome.artifacts().isEmpty()) {
            return;
        }
        try {
            boolean stored = QuarkusTransaction.requiringNew().call(() -> {
                if (!lifecycle.holds(job.id, attempt, epoch)) {
                    return false;
                }
                artifacts.save(job.id, job.tenant, attempt, outcome.artifacts());
                return true;
            });
            if (!stored) {
                LOG.warnf("the artifacts of job %s attempt %d were not stored: lease epoch %d was fenced off", job.id, attempt, epoch);
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "could not store the artifacts of job %s attempt %d; the job ends without them", job.id, attempt);
        }
    }

    /**
     * SIGTERM, a drain: claim nothing more, let running jobs finish within the shutdown grace, then
     * stop the rest (SIGTERM, kill grace, SIGKILL) and hand them back to the queue before the
     * database goes; last, give the lease up, so that anything not handed back is reaped at once.
     */
    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        wake();
        if (loop != null) {
            try {
                loop.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // An attempt still waiting for its image has not started: it goes back to the queue at once, not after the grace.
        running.values().forEach(claimed -> {
            if (claimed.abandon()) {
                endUnstarted(claimed, true);
            }
        });
        if (!awaitRunning(config.dispatch().shutdownGrace())) {
            LOG.warnf("handing back %d job(s) still running after the shutdown grace of %s", running.size(), config.dispatch().shutdownGrace());
            stoppingJobs = true;
            running.values().forEach(ClaimedAttempt::stop);
            if (!awaitRunning(config.engine().killGrace().plusSeconds(5))) {
                LOG.warnf("%d job(s) did not stop in time; releasing the lease lets any replica reap them now", running.size());
            }
        }
        if (engine != null) {
            lease.release();
        }
    }

    private boolean awaitRunning(Duration timeout) {
        try {
            CompletableFuture.allOf(running.values().stream().map(claimed -> claimed.done).toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            LOG.warnf("waiting for running jobs failed: %s", e.getMessage());
            return running.isEmpty();
        }
    }
}
