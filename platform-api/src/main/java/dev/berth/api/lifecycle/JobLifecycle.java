package dev.berth.api.lifecycle;

import dev.berth.api.audit.AuditLog;
import dev.berth.api.audit.Provenance;
import dev.berth.api.config.BerthConfig;
import dev.berth.api.json.JsonColumns;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.replica.ReplicaId;
import dev.berth.engine.JobOutcome;
import dev.berth.engine.JobStart;
import dev.berth.engine.TerminationReason;
import dev.berth.engine.Usage;
import dev.berth.policy.Decision;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.ImageReference;
import dev.berth.policy.JobRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The one owner of a job's life. Every change of a job's state, and of what is recorded with it
 * (its attempts, its tenant's usage totals, its tenant's turn in the queue), is a method here;
 * each runs in one transaction together with its audit event, so the log never shows a transition
 * that did not happen or misses one that did. The audit event is each transition's last statement:
 * it holds the chain's single head row until the commit, so nothing else should run under it.
 *
 * <pre>
 * submit -> QUEUED -claimNext-> STARTING -started-> RUNNING -finished-> SUCCEEDED | FAILED | CANCELLED
 *             ^  |                 |                   |          (a failed attempt with retries left: QUEUED again)
 *             |  cancel -> CANCELLED    engineRefused, failOrphans -> FAILED
 * </pre>
 */
@ApplicationScoped
public class JobLifecycle {

    private static final long MIB = 1024 * 1024;
    private static final Usage NOTHING_USED = new Usage(0, 0, 0);

    @Inject
    JobStore store;
    @Inject
    FairShareQueue queue;
    @Inject
    AuditLog audit;
    @Inject
    JsonColumns json;
    @Inject
    ReplicaId replica;
    @Inject
    BerthConfig config;
    @Inject
    JobAnnouncements announcements;

    /**
     * Records an admitted job as QUEUED and gives its tenant a turn in the queue. Runs in the
     * submission's transaction, which also holds the request's idempotency key.
     *
     * @param plan the admitted plan, its image pinned to a digest
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Job submit(UUID id, String tenant, JobRequest request, ExecutionPlan plan) {
        Job job = new Job();
        job.id = id;
        job.tenant = tenant;
        job.state = JobState.QUEUED;
        job.image = request.image();
        job.imageDigest = ImageReference.parse(plan.image()).orElseThrow().digest();
        job.requestJson = json.write(request);
        job.planJson = json.write(plan);
        job.decisions = json.write(plan.decisions());
        job.createdAt = Instant.now();
        job.cpuMillis = plan.limits().cpuMillis();
        job.memoryMiB = (int) (plan.limits().memoryBytes() / MIB);
        job.pids = plan.limits().pids();
        job.labels = json.write(request.labels() == null ? Map.of() : request.labels());
        job.maxAttempts = 1 + plan.retries();
        store.insert(job);
        store.enlist(tenant);
        announcements.changed(job, JobState.QUEUED);
        audit.record(JobAudit.submitted(job, plan.decisions().stream().map(Decision::rule).toList()));
        return job;
    }

    /**
     * A tenant's cancel request. A queued job (also one waiting for a retry) ends CANCELLED at
     * once; for a starting or running job the request is recorded and the replica running it stops
     * it, after which {@link #finished} ends it CANCELLED. A final job is left as it is, so
     * cancelling twice is harmless.
     *
     * @return the job as it is now
     */
    @Transactional
    public Job cancel(String tenant, UUID id) {
        boolean requested = store.requestCancel(tenant, id, Instant.now());
        Job job = store.find(id);
        if (job == null || !job.tenant.equals(tenant)) {
            throw ProblemException.notFound("job " + id);
        }
        if (requested) {
            if (job.state.isFinal()) {
                announcements.changed(job, job.state);
            } else {
                announcements.cancelRequested(job);
            }
            audit.record(JobAudit.cancelRequested(job));
        }
        return job;
    }

    /**
     * QUEUED to STARTING for this replica: the next job that fits the room left here and its
     * tenant's quota, with its attempt opened and its tenant's turn taken. A row lock cannot
     * protect a sum over several jobs, so claims of all replicas take one transaction-scoped
     * advisory lock: quota totals are checked and changed atomically.
     */
    @Transactional
    public Optional<Job> claimNext(int freeCpuMillis, int freeMemoryMiB) {
        store.lockClaims();
        Optional<Job> claimed = queue.next(freeCpuMillis, freeMemoryMiB).flatMap(id -> store.claim(id, replica.get()));
        claimed.ifPresent(job -> {
            Instant now = Instant.now();
            store.openAttempt(job, replica.get(), now);
            store.takeTurn(job.tenant, now);
            announcements.changed(job, JobState.STARTING);
        });
        return claimed;
    }

    /** STARTING to RUNNING: the engine let the program through its start gate with this security in force. */
    @Transactional
    public void started(UUID id, int attempt, JobStart start) {
        boolean running = store.markRunning(id, start.startedAt(), json.write(start.security()), start.imageDigest());
        store.attemptStarted(id, attempt, start.startedAt());
        if (running) {
            Job job = store.find(id);
            announcements.changed(job, JobState.RUNNING);
            audit.record(JobAudit.started(job));
        }
    }

    /**
     * Records how an attempt ended. A failed attempt is queued again after a backoff while
     * attempts remain and nobody asked to cancel; otherwise the job's state is final.
     *
     * @param logBytes what the attempt's output takes on disk
     * @param shutdown the platform stopped the job while shutting down (the engine calls that a cancel)
     * @return the job's state now
     */
    @Transactional
    public JobState finished(UUID id, int attempt, JobOutcome outcome, long logBytes, boolean shutdown) {
        Job job = store.lock(id);
        JobReason reason = reasonOf(outcome, shutdown);
        String detail = reason == JobReason.PlatformShutdown ? "the platform shut down and stopped the job after its grace period"
                : outcome.detail();
        JobState end = outcome.succeeded() ? JobState.SUCCEEDED
                : job.cancelRequestedAt != null || reason == JobReason.Cancelled ? JobState.CANCELLED
                : JobState.FAILED;
        Instant now = Instant.now();
        store.closeAttempt(job, attempt, end, reason, detail, outcome.exitCode().orElse(null), outcome.usage(), now);
        boolean retry = end == JobState.FAILED && job.attempts < job.maxAttempts;
        Instant retryAt = retry ? now.plus(backoff().after(job.attempts)) : null;
        store.end(id, new Ending(retry ? JobState.QUEUED : end, reason,
                retry ? "attempt " + job.attempts + " of " + job.maxAttempts + " failed (" + detail + "); retrying at " + retryAt : detail,
                outcome.exitCode().orElse(null), outcome.imageDigest(),
                outcome.security().map(json::write).orElse(job.securityJson),
                total(job.cpuSeconds) + outcome.usage().cpuSeconds(), total(job.wallSeconds) + outcome.usage().wallSeconds(),
                Math.max(job.peakMemoryBytes == null ? 0 : job.peakMemoryBytes, outcome.usage().peakMemoryBytes()),
                job.logBytes + logBytes, retryAt, retry ? null : now));
        store.reload(job);
        announcements.changed(job, job.state);
        audit.record(retry ? JobAudit.attemptFailed(job, attempt, reason) : JobAudit.ended(job));
        return job.state;
    }

    /** STARTING to FAILED: the engine could not take the job on; this is not the job's fault, and retrying would not help. */
    @Transactional
    public void engineRefused(UUID id, int attempt, String detail) {
        Job job = store.lock(id);
        Instant now = Instant.now();
        store.closeAttempt(job, attempt, JobState.FAILED, JobReason.EngineError, detail, null, NOTHING_USED, now);
        store.fail(id, JobReason.EngineError, detail, now);
        announcements.changed(store.reload(job), job.state);
        audit.record(JobAudit.ended(job));
    }

    /**
     * STARTING or RUNNING to FAILED for every job this replica's previous run left behind: they
     * can no longer be followed.
     *
     * @return how many jobs
     */
    @Transactional
    public int failOrphans() {
        List<Job> orphans = store.activeOf(replica.get());
        int failed = store.failActive(replica.get(), JobReason.PlatformRestart, "the platform restarted while the job was starting or running",
                Instant.now());
        orphans.forEach(job -> announcements.changed(store.reload(job), job.state));
        audit.recordAll(orphans.stream().map(JobAudit::ended).toList(), Provenance.PLATFORM);
        return failed;
    }

    /** Jobs this replica runs that someone asked to cancel, possibly through another replica. */
    @Transactional
    public List<UUID> cancelRequested() {
        return store.cancelRequestedOf(replica.get());
    }

    /** Retention removed the job's logs; they answer 410 from now on. */
    @Transactional
    public void logsDeleted(UUID id) {
        store.logsDeleted(id, Instant.now());
    }

    /** The ending's reason, none for a success; a platform stopping its own jobs is not a tenant's cancel. */
    private static JobReason reasonOf(JobOutcome outcome, boolean shutdown) {
        Optional<TerminationReason> engine = outcome.reason();
        if (shutdown && engine.filter(reason -> reason == TerminationReason.Cancelled).isPresent()) {
            return JobReason.PlatformShutdown;
        }
        return engine.map(JobReason::of).orElse(outcome.succeeded() ? null : JobReason.Error);
    }

    private RetryBackoff backoff() {
        return new RetryBackoff(config.dispatch().retryBackoff(), config.dispatch().retryBackoffMax());
    }

    private static double total(Double before) {
        return before == null ? 0 : before;
    }
}
