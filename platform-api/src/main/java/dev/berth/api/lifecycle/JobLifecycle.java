package dev.berth.api.lifecycle;

import dev.berth.api.audit.AuditEntry;
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
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.ImageReference;
import dev.berth.policy.JobRequest;
import dev.berth.policy.data.JobData;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
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
 *             |  cancel -> CANCELLED    engineRefused -> FAILED
 *             +------------------------ reapLost, failOrphans (retries left, or handed back at shutdown)
 * </pre>
 *
 * <p>Every write of an attempt's result is fenced: it names the lease epoch its replica claimed
 * the job under, and is refused (nothing changes, the caller gets {@code false} or empty) unless
 * the job is still in that attempt under that epoch and the lease is unexpired. A replica that
 * lost its lease while a job ran therefore never overwrites what the reaper or a retry recorded.
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
    @Inject
    Event<AttemptStarted> attemptsStarted;
    @Inject
    Event<AttemptEnded> attemptsEnded;

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
        job.dataJson = plan.data().equals(JobData.NONE) ? null : json.write(plan.data());
        job.createdAt = Instant.now();
        job.cpuMillis = plan.limits().cpuMillis();
        job.memoryMiB = (int) (plan.limits().memoryBytes() / MIB);
        job.pids = plan.limits().pids();
        job.labels = json.write(request.labels() == null ? Map.of() : request.labels());
        job.maxAttempts = 1 + plan.retries();
        store.insert(job);
        store.enlist(tenant);
        announcements.changed(job, JobState.QUEUED);
        audit.record(JobAudit.submitted(job, plan));
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
    public Optional<Job> claimNext(int freeCpuMillis, int freeMemoryMiB, long epoch) {
        store.lockClaims();
        if (!store.leaseLive(epoch)) {
            return Optional.empty();
        }
        Optional<Job> claimed = queue.next(freeCpuMillis, freeMemoryMiB).flatMap(id -> store.claim(id, replica.get(), epoch));
        claimed.ifPresent(job -> {
            Instant now = Instant.now();
            store.openAttempt(job, replica.get(), epoch, now);
            store.takeTurn(job.tenant, now);
            announcements.changed(job, JobState.STARTING);
        });
        return claimed;
    }

    /**
     * STARTING to RUNNING: the engine let the program through its start gate with this security in force.
     *
     * @return false when the fence refused the write: the attempt is no longer this replica's to run
     */
    @Transactional
    public boolean started(UUID id, int attempt, long epoch, JobStart start) {
        JobStore.Locked locked = store.lock(id);
        if (!store.fenceHolds(locked, attempt, epoch)) {
            return false;
        }
        Job job = locked.job();
        if (store.markRunning(job, attempt, start.startedAt(), json.write(start.security()), start.imageDigest())) {
            announcements.changed(job, JobState.RUNNING);
            audit.record(JobAudit.started(job));
            attemptsStarted.fire(new AttemptStarted(id, job.tenant, attempt, start.startedAt()));
        }
        return true;
    }

    /**
     * Records how an attempt ended. A failed attempt is queued again after a backoff while
     * attempts remain and nobody asked to cancel; otherwise the job's state is final. An attempt
     * the replica stopped because it is shutting down is handed back: queued again at once,
     * without using up a retry.
     *
     * @param logBytes what the attempt's output takes in the shared log store
     * @param shutdown the platform stopped the job while shutting down (the engine calls that a cancel)
     * @return the job's state now; empty when the fence refused the write (nothing was recorded)
     */
    @Transactional
    public Optional<JobState> finished(UUID id, int attempt, long epoch, JobOutcome outcome, long logBytes, boolean shutdown) {
        JobStore.Locked locked = store.lock(id);
        if (!store.fenceHolds(locked, attempt, epoch)) {
            return Optional.empty();
        }
        Job job = locked.job();
        JobReason reason = reasonOf(outcome, shutdown);
        boolean handedBack = reason == JobReason.HandedBack && job.cancelRequestedAt == null;
        if (handedBack) {
            store.grantAttempt(job);
        }
        String detail = reason == JobReason.HandedBack ? "replica " + replica.get() + " shut down and stopped the attempt after its grace period"
                : outcome.detail();
        JobState end = outcome.succeeded() ? JobState.SUCCEEDED
                : job.cancelRequestedAt != null || reason == JobReason.Cancelled ? JobState.CANCELLED
                : JobState.FAILED;
        Instant now = Instant.now();
        store.closeAttempt(job, attempt, end, reason, detail, outcome.exitCode().orElse(null), outcome.usage(), now);
        boolean retry = end == JobState.FAILED && job.attempts < job.maxAttempts;
        Instant retryAt = !retry ? null : handedBack ? now : now.plus(backoff().after(job.attempts));
        store.end(job, new Ending(retry ? JobState.QUEUED : end, reason,
                handedBack ? detail + "; queued again without using up a retry"
                        : retry ? "attempt " + job.attempts + " of " + job.maxAttempts + " failed (" + detail + "); retrying at " + retryAt : detail,
                outcome.exitCode().orElse(null), outcome.imageDigest(),
                outcome.security().map(json::write).orElse(job.securityJson),
                total(job.cpuSeconds) + outcome.usage().cpuSeconds(), total(job.wallSeconds) + outcome.usage().wallSeconds(),
                Math.max(job.peakMemoryBytes == null ? 0 : job.peakMemoryBytes, outcome.usage().peakMemoryBytes()),
                job.logBytes + logBytes, retryAt, retry ? null : now));
        announcements.changed(job, job.state);
        audit.record(retry ? JobAudit.attemptFailed(job, attempt, reason) : JobAudit.ended(job));
        attemptsEnded.fire(new AttemptEnded(id, job.tenant, attempt, job.state, outcome.usage(), now));
        return Optional.of(job.state);
    }

    /** STARTING to FAILED: the engine could not take the job on; this is not the job's fault, and retrying would not help. */
    @Transactional
    public void engineRefused(UUID id, int attempt, long epoch, String detail) {
        JobStore.Locked locked = store.lock(id);
        if (!store.fenceHolds(locked, attempt, epoch)) {
            return;
        }
        Job job = locked.job();
        Instant now = Instant.now();
        store.closeAttempt(job, attempt, JobState.FAILED, JobReason.EngineError, detail, null, NOTHING_USED, now);
        store.fail(job, JobReason.EngineError, detail, now);
        announcements.changed(job, job.state);
        audit.record(JobAudit.ended(job));
        attemptsEnded.fire(new AttemptEnded(id, job.tenant, attempt, job.state, NOTHING_USED, now));
    }

    /**
     * Ends the attempts this replica's previous run (under an earlier lease) left behind: they can
     * no longer be followed. Each job is retried when it has retries left, otherwise FAILED.
     *
     * @param epoch the lease this replica holds now; attempts claimed under it are not orphans
     * @return how many jobs
     */
    @Transactional
    public int failOrphans(long epoch) {
        return endLost(store.lockOrphansOf(replica.get(), epoch), JobReason.PlatformRestart,
                "the platform restarted while the job was starting or running");
    }

    /**
     * Ends, as lost, a batch of attempts whose replica's lease expired or is gone: retried when the
     * job has retries left, otherwise FAILED (CANCELLED if a cancel was asked). Any replica may
     * call it at any time; replicas reaping at once take disjoint jobs.
     *
     * @return how many attempts were ended; a full batch means more may be waiting
     */
    @Transactional
    public int reapLost(int batch) {
        return endLost(store.lockLost(batch), JobReason.NodeLost, "the engine replica running it stopped renewing its lease");
    }

    /** Ends the latest attempt of each locked, active job; usage died with the replica that measured it. */
    private int endLost(List<UUID> ids, JobReason reason, String why) {
        Instant now = Instant.now();
        List<AuditEntry> entries = new ArrayList<>();
        for (UUID id : ids) {
            Job job = store.lock(id).job();
            int attempt = job.attempts;
            String detail = why + " (replica " + job.runner + ", lease epoch " + job.leaseEpoch + ")";
            store.closeAttempt(job, attempt, JobState.FAILED, reason, detail, null, NOTHING_USED, now);
            boolean cancelled = job.cancelRequestedAt != null;
            boolean retry = !cancelled && attempt < job.maxAttempts;
            Instant retryAt = retry ? now.plus(backoff().after(attempt)) : null;
            store.end(job, new Ending(cancelled ? JobState.CANCELLED : retry ? JobState.QUEUED : JobState.FAILED,
                    cancelled ? JobReason.Cancelled : reason,
                    retry ? "attempt " + attempt + " of " + job.maxAttempts + " lost: " + detail + "; retrying at " + retryAt : detail,
                    null, job.imageDigest, job.securityJson, total(job.cpuSeconds), total(job.wallSeconds),
                    job.peakMemoryBytes == null ? 0 : job.peakMemoryBytes, job.logBytes, retryAt, retry ? null : now));
            announcements.changed(job, job.state);
            entries.add(retry ? JobAudit.attemptFailed(job, attempt, reason) : JobAudit.ended(job));
            attemptsEnded.fire(new AttemptEnded(id, job.tenant, attempt, job.state, NOTHING_USED, now));
        }
        audit.recordAll(entries, Provenance.PLATFORM);
        return ids.size();
    }

    /**
     * Whether the attempt is still this replica's under the epoch, for a write of its result made
     * outside this class (its artifacts): the job's row stays locked until the caller's
     * transaction ends, so no reaper ends the attempt in between.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean holds(UUID id, int attempt, long epoch) {
        return store.fenceHolds(store.lock(id), attempt, epoch);
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
            return JobReason.HandedBack;
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
