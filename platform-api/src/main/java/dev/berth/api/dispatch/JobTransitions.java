package dev.berth.api.dispatch;

import dev.berth.api.audit.AuditLog;
import dev.berth.api.audit.JobAudit;
import dev.berth.api.audit.Provenance;
import dev.berth.api.jobs.Job;
import dev.berth.api.jobs.JobLogs;
import dev.berth.api.jobs.JobState;
import dev.berth.api.jobs.JsonColumns;
import dev.berth.engine.JobOutcome;
import dev.berth.engine.JobStart;
import dev.berth.engine.TerminationReason;
import dev.berth.engine.Usage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Every state change of a job, each in its own transaction, with the attempt it belongs to. */
@ApplicationScoped
public class JobTransitions {

    /** Serialises claims of all replicas; see {@link #claimNext}. Any fixed number unique to Berth. */
    private static final long CLAIM_LOCK = 0x4265727468L;

    @Inject
    EntityManager em;
    @Inject
    JsonColumns json;
    @Inject
    AuditLog audit;
    @Inject
    FairShareQueue queue;
    @Inject
    JobLogs logs;
    @Inject
    ReplicaId replica;

    /**
     * Claims the next job that fits the room on this replica and its tenant's quota. A row lock
     * cannot protect a sum over several jobs, so claims of all replicas take one transaction-scoped
     * advisory lock: quota totals are checked and changed atomically. The job row itself is taken
     * with {@code SKIP LOCKED} so that a claim never waits behind a cancel holding the row.
     */
    @Transactional
    public Optional<Job> claimNext(HostCapacity.Room room) {
        em.createNativeQuery("SELECT pg_advisory_xact_lock(:key)").setParameter("key", CLAIM_LOCK).getSingleResult();
        Optional<UUID> next = queue.next(room);
        if (next.isEmpty()) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        List<UUID> claimed = em.createNativeQuery("UPDATE jobs SET state = 'STARTING', attempts = attempts + 1, runner = :runner, "
                        + "not_before = NULL WHERE id = (SELECT id FROM jobs WHERE id = :id AND state = 'QUEUED' FOR UPDATE SKIP LOCKED) "
                        + "RETURNING id", UUID.class)
                .setParameter("runner", replica.get())
                .setParameter("id", next.get())
                .getResultList();
        if (claimed.isEmpty()) {
            return Optional.empty();
        }
        Job job = em.find(Job.class, next.get());
        Instant now = Instant.now();
        em.createNativeQuery("INSERT INTO job_attempts (job_id, attempt, tenant, runner, claimed_at) VALUES (:id, :attempt, :tenant, :runner, :now)")
                .setParameter("id", job.id)
                .setParameter("attempt", job.attempts)
                .setParameter("tenant", job.tenant)
                .setParameter("runner", replica.get())
                .setParameter("now", now)
                .executeUpdate();
        em.createNativeQuery("INSERT INTO dispatch_turns (tenant, last_claimed_at) VALUES (:tenant, :now) "
                        + "ON CONFLICT (tenant) DO UPDATE SET last_claimed_at = EXCLUDED.last_claimed_at")
                .setParameter("tenant", job.tenant)
                .setParameter("now", now)
                .executeUpdate();
        return Optional.of(job);
    }

    @Transactional
    public void running(UUID id, int attempt, JobStart start) {
        int started = em.createQuery("UPDATE Job j SET j.state = :running, j.startedAt = :at, j.securityJson = :security, j.imageDigest = :digest "
                        + "WHERE j.id = :id AND j.state = :starting")
                .setParameter("running", JobState.RUNNING)
                .setParameter("at", start.startedAt())
                .setParameter("security", json.write(start.security()))
                .setParameter("digest", start.imageDigest())
                .setParameter("id", id)
                .setParameter("starting", JobState.STARTING)
                .executeUpdate();
        em.createNativeQuery("UPDATE job_attempts SET started_at = :at WHERE job_id = :id AND attempt = :attempt")
                .setParameter("at", start.startedAt())
                .setParameter("id", id)
                .setParameter("attempt", attempt)
                .executeUpdate();
        if (started == 1) {
            audit.record(JobAudit.started(em.find(Job.class, id)));
        }
    }

    /**
     * Records how an attempt ended. A failed attempt is queued again after a backoff while
     * attempts remain and nobody asked to cancel; otherwise the job's state is final.
     *
     * @param shutdown the platform stopped the job while shutting down (the engine calls that a cancel)
     */
    @Transactional
    public JobState finished(UUID id, int attempt, JobOutcome outcome, boolean shutdown, RetryBackoff backoff) {
        Job job = em.find(Job.class, id, LockModeType.PESSIMISTIC_WRITE);
        String reason = shutdown && outcome.reason().filter(r -> r == TerminationReason.Cancelled).isPresent() ? "PlatformShutdown"
                : outcome.reason().map(Enum::name).orElse(outcome.succeeded() ? null : "Error");
        String detail = "PlatformShutdown".equals(reason) ? "the platform shut down and stopped the job after its grace period" : outcome.detail();
        JobState end = outcome.succeeded() ? JobState.SUCCEEDED
                : job.cancelRequestedAt != null || "Cancelled".equals(reason) ? JobState.CANCELLED
                : JobState.FAILED;
        recordAttempt(job, attempt, end, reason, detail, outcome.exitCode().orElse(null), outcome.usage());
        job.reason = reason;
        job.detail = detail;
        job.exitCode = outcome.exitCode().orElse(null);
        job.imageDigest = outcome.imageDigest();
        outcome.security().ifPresent(security -> job.securityJson = json.write(security));
        job.cpuSeconds = sum(job.cpuSeconds, outcome.usage().cpuSeconds());
        job.wallSeconds = sum(job.wallSeconds, outcome.usage().wallSeconds());
        job.peakMemoryBytes = Math.max(job.peakMemoryBytes == null ? 0 : job.peakMemoryBytes, outcome.usage().peakMemoryBytes());
        job.logBytes += logs.bytes(job.id, attempt);
        if (end == JobState.FAILED && job.attempts < job.maxAttempts) {
            job.state = JobState.QUEUED;
            job.notBefore = Instant.now().plus(backoff.after(job.attempts));
            job.detail = "attempt " + job.attempts + " of " + job.maxAttempts + " failed (" + detail + "); retrying at " + job.notBefore;
            audit.record(JobAudit.attemptFailed(job, attempt, reason));
        } else {
            job.state = end;
            job.finishedAt = Instant.now();
            audit.record(JobAudit.ended(job));
        }
        return job.state;
    }

    /** The engine could not take the job on; this is not the job's fault, and retrying would not help. */
    @Transactional
    public void failed(UUID id, int attempt, String reason, String detail) {
        Job job = em.find(Job.class, id, LockModeType.PESSIMISTIC_WRITE);
        recordAttempt(job, attempt, JobState.FAILED, reason, detail, null, new Usage(0, 0, 0));
        job.state = JobState.FAILED;
        job.reason = reason;
        job.detail = detail;
        job.finishedAt = Instant.now();
        audit.record(JobAudit.ended(job));
    }

    /** Jobs this replica's previous run left starting or running can no longer be followed. */
    @Transactional
    public int failOrphans() {
        List<Job> orphans = em.createQuery("SELECT j FROM Job j WHERE j.state IN :active AND (j.runner = :runner OR j.runner IS NULL)", Job.class)
                .setParameter("active", List.of(JobState.STARTING, JobState.RUNNING))
                .setParameter("runner", replica.get())
                .getResultList();
        String detail = "the platform restarted while the job was starting or running";
        Instant now = Instant.now();
        // Jobs from before replicas were named (runner NULL) can only be this database's single replica's.
        em.createNativeQuery("UPDATE job_attempts a SET finished_at = :now, outcome = 'FAILED', reason = 'PlatformRestart', detail = :detail "
                        + "FROM jobs j WHERE a.job_id = j.id AND a.attempt = j.attempts AND a.finished_at IS NULL "
                        + "AND j.state IN ('STARTING', 'RUNNING') AND (j.runner = :runner OR j.runner IS NULL)")
                .setParameter("now", now)
                .setParameter("detail", detail)
                .setParameter("runner", replica.get())
                .executeUpdate();
        int failed = em.createNativeQuery("UPDATE jobs SET state = 'FAILED', reason = 'PlatformRestart', detail = :detail, finished_at = :now "
                        + "WHERE state IN ('STARTING', 'RUNNING') AND (runner = :runner OR runner IS NULL)")
                .setParameter("now", now)
                .setParameter("detail", detail)
                .setParameter("runner", replica.get())
                .executeUpdate();
        orphans.forEach(em::refresh);
        audit.recordAll(orphans.stream().map(JobAudit::ended).toList(), Provenance.PLATFORM);
        return failed;
    }

    /** Jobs this replica runs that someone asked to cancel, possibly through another replica. */
    @Transactional
    public List<UUID> cancelRequested() {
        return em.createQuery("SELECT j.id FROM Job j WHERE j.runner = :runner AND j.state IN :active AND j.cancelRequestedAt IS NOT NULL",
                        UUID.class)
                .setParameter("runner", replica.get())
                .setParameter("active", List.of(JobState.STARTING, JobState.RUNNING))
                .getResultList();
    }

    private void recordAttempt(Job job, int attempt, JobState outcome, String reason, String detail, Integer exitCode, Usage usage) {
        em.createNativeQuery("UPDATE job_attempts SET finished_at = :now, outcome = :outcome, reason = :reason, detail = :detail, "
                        + "exit_code = :exit, cpu_seconds = :cpu, peak_memory_bytes = :peak, wall_seconds = :wall "
                        + "WHERE job_id = :id AND attempt = :attempt")
                .setParameter("now", Instant.now())
                .setParameter("outcome", outcome.name())
                .setParameter("reason", reason)
                .setParameter("detail", detail)
                .setParameter("exit", exitCode)
                .setParameter("cpu", usage.cpuSeconds())
                .setParameter("peak", usage.peakMemoryBytes())
                .setParameter("wall", usage.wallSeconds())
                .setParameter("id", job.id)
                .setParameter("attempt", attempt)
                .executeUpdate();
        em.createNativeQuery("INSERT INTO tenant_usage (tenant, attempts, cpu_seconds, wall_seconds, peak_memory_bytes) "
                        + "VALUES (:tenant, 1, :cpu, :wall, :peak) ON CONFLICT (tenant) DO UPDATE SET attempts = tenant_usage.attempts + 1, "
                        + "cpu_seconds = tenant_usage.cpu_seconds + EXCLUDED.cpu_seconds, wall_seconds = tenant_usage.wall_seconds + EXCLUDED.wall_seconds, "
                        + "peak_memory_bytes = GREATEST(tenant_usage.peak_memory_bytes, EXCLUDED.peak_memory_bytes)")
                .setParameter("tenant", job.tenant)
                .setParameter("cpu", usage.cpuSeconds())
                .setParameter("wall", usage.wallSeconds())
                .setParameter("peak", usage.peakMemoryBytes())
                .executeUpdate();
    }

    private static double sum(Double before, double added) {
        return (before == null ? 0 : before) + added;
    }
}
