package dev.berth.api.lifecycle;

import dev.berth.engine.Usage;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The statements that write a job and what is recorded with it: its row, its attempts, its
 * tenant's usage totals and turn in the queue. Package-private and called by {@link JobLifecycle}
 * alone, always inside the transition's transaction.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
class JobStore {

    /** Serialises claims of all replicas; see {@link JobLifecycle#claimNext}. Any fixed number unique to Berth. */
    private static final long CLAIM_LOCK = 0x4265727468L;

    private static final String LOCK = "SELECT " + JobRow.COLUMNS + ", EXISTS (SELECT 1 FROM engine_leases l WHERE l.epoch = j.lease_epoch "
            + "AND l.expires_at > now()) FROM jobs j WHERE j.id = ? FOR UPDATE OF j";

    @Inject
    EntityManager em;
    @Inject
    AgroalDataSource dataSource;

    Job find(UUID id) {
        return em.find(Job.class, id);
    }

    /** A job read under its row's lock, and whether the lease its latest attempt was claimed under is unexpired. */
    record Locked(Job job, boolean leaseLive) {
        static final Locked MISSING = new Locked(null, false);
    }

    /**
     * The job, its row locked until the transaction ends, with its lease's liveness, in one
     * statement on the transaction's connection: a transition needs neither the ORM's copy of the
     * row (nor its request and plan) nor a second round trip for the fence.
     */
    Locked lock(UUID id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(LOCK)) {
            select.setObject(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? new Locked(JobRow.read(row), row.getBoolean(JobRow.COUNT + 1)) : Locked.MISSING;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot lock job " + id + ": " + e.getMessage(), e);
        }
    }

    void insert(Job job) {
        em.createNativeQuery("INSERT INTO jobs (id, tenant, state, image, image_digest, request_json, plan_json, attempts, created_at, "
                        + "cpu_millis, memory_mib, pids, labels, max_attempts, log_bytes, decisions, data_json) VALUES (:id, :tenant, :state, :image, :digest, "
                        + ":request, :plan, 0, :created, :cpu, :memory, :pids, CAST(:labels AS jsonb), :maxAttempts, 0, :decisions, :data)")
                .setParameter("id", job.id)
                .setParameter("tenant", job.tenant)
                .setParameter("state", job.state.name())
                .setParameter("image", job.image)
                .setParameter("digest", job.imageDigest)
                .setParameter("request", job.requestJson)
                .setParameter("plan", job.planJson)
                .setParameter("created", job.createdAt)
                .setParameter("cpu", job.cpuMillis)
                .setParameter("memory", job.memoryMiB)
                .setParameter("pids", job.pids)
                .setParameter("labels", job.labels)
                .setParameter("maxAttempts", job.maxAttempts)
                .setParameter("decisions", job.decisions)
                .setParameter("data", job.dataJson)
                .executeUpdate();
    }

    /** Lets the tenant take turns; a tenant new to the queue goes first. */
    void enlist(String tenant) {
        em.createNativeQuery("INSERT INTO dispatch_turns (tenant, last_claimed_at) VALUES (:tenant, '-infinity') ON CONFLICT DO NOTHING")
                .setParameter("tenant", tenant)
                .executeUpdate();
    }

    /**
     * Records a cancel request of an open job, and ends a queued one CANCELLED in the same
     * statement, so a concurrent claim either took the job first (it is STARTING here) or never will.
     *
     * @return whether the job was open
     */
    boolean requestCancel(String tenant, UUID id, Instant now) {
        return em.createNativeQuery("UPDATE jobs SET cancel_requested_at = COALESCE(cancel_requested_at, :now), "
                        + "state = CASE WHEN state = :queued THEN :cancelled ELSE state END, "
                        + "reason = CASE WHEN state = :queued THEN :reason ELSE reason END, "
                        + "detail = CASE WHEN state = :queued THEN 'cancelled on request before it ran' || "
                        + "CASE WHEN attempts > 0 THEN ' again' ELSE '' END ELSE detail END, "
                        + "finished_at = CASE WHEN state = :queued THEN :now ELSE finished_at END "
                        + "WHERE id = :id AND tenant = :tenant AND state IN (:open)")
                .setParameter("now", now)
                .setParameter("queued", JobState.QUEUED.name())
                .setParameter("cancelled", JobState.CANCELLED.name())
                .setParameter("reason", JobReason.Cancelled.name())
                .setParameter("id", id)
                .setParameter("tenant", tenant)
                .setParameter("open", JobState.names(JobState.OPEN))
                .executeUpdate() == 1;
    }

    /** Takes the lock every claim holds until its transaction ends. */
    void lockClaims() {
        em.createNativeQuery("SELECT pg_advisory_xact_lock(:key)").setParameter("key", CLAIM_LOCK).getSingleResult();
    }

    /**
     * Moves the job from QUEUED to STARTING for the runner, taking its row with {@code SKIP LOCKED}
     * so that a claim never waits behind a cancel holding it.
     *
     * @return the claimed job, or empty if it was no longer queued or is locked
     */
    Optional<Job> claim(UUID id, String runner, long epoch) {
        boolean claimed = !em.createNativeQuery("UPDATE jobs SET state = :starting, attempts = attempts + 1, runner = :runner, lease_epoch = :epoch, "
                        + "not_before = NULL WHERE id = (SELECT id FROM jobs WHERE id = :id AND state = :queued FOR UPDATE SKIP LOCKED) "
                        + "RETURNING id", UUID.class)
                .setParameter("starting", JobState.STARTING.name())
                .setParameter("runner", runner)
                .setParameter("epoch", epoch)
                .setParameter("id", id)
                .setParameter("queued", JobState.QUEUED.name())
                .getResultList().isEmpty();
        return claimed ? Optional.of(find(id)) : Optional.empty();
    }

    void openAttempt(Job job, String runner, long epoch, Instant claimedAt) {
        em.createNativeQuery("INSERT INTO job_attempts (job_id, attempt, tenant, runner, lease_epoch, claimed_at) "
                        + "VALUES (:id, :attempt, :tenant, :runner, :epoch, :now)")
                .setParameter("id", job.id)
                .setParameter("attempt", job.attempts)
                .setParameter("tenant", job.tenant)
                .setParameter("runner", runner)
                .setParameter("epoch", epoch)
                .setParameter("now", claimedAt)
                .executeUpdate();
    }

    /** Whether the lease with this epoch is unexpired by the database's clock. */
    boolean leaseLive(long epoch) {
        return !em.createNativeQuery("SELECT 1 FROM engine_leases WHERE epoch = :epoch AND expires_at > now()")
                .setParameter("epoch", epoch).getResultList().isEmpty();
    }

    /**
     * The fencing check of every write of an attempt's result, on the job's locked row: the job is
     * still active in this attempt, the attempt was claimed under this epoch, and that lease is
     * unexpired. A reaper that ended the attempt as lost (or a retry claimed since) fails it.
     */
    boolean fenceHolds(Locked locked, int attempt, long epoch) {
        Job job = locked.job();
        return job != null && JobState.ACTIVE.contains(job.state) && job.attempts == attempt && job.leaseEpoch != null
                && job.leaseEpoch == epoch && locked.leaseLive();
    }

    /**
     * Active jobs whose attempt's lease is expired or gone, locked with {@code SKIP LOCKED} so that
     * the reapers of several replicas share the work and never wait for each other.
     */
    List<UUID> lockLost(int limit) {
        @SuppressWarnings("unchecked")
        List<UUID> ids = em.createNativeQuery("SELECT j.id FROM jobs j WHERE j.state IN (" + JobState.sql(JobState.ACTIVE) + ") "
                        + "AND j.lease_epoch IS NOT NULL AND NOT EXISTS (SELECT 1 FROM engine_leases l WHERE l.epoch = j.lease_epoch "
                        + "AND l.expires_at > now()) LIMIT :limit FOR UPDATE OF j SKIP LOCKED", UUID.class)
                .setParameter("limit", limit)
                .getResultList();
        return ids;
    }

    /** The replica that runs the job's latest attempt stopped without ending it: one more attempt is allowed. */
    void grantAttempt(Job job) {
        em.createNativeQuery("UPDATE jobs SET max_attempts = max_attempts + 1 WHERE id = :id").setParameter("id", job.id).executeUpdate();
        job.maxAttempts++;
    }

    /** The tenant's turn was just taken: it goes to the back of the round. */
    void takeTurn(String tenant, Instant claimedAt) {
        em.createNativeQuery("INSERT INTO dispatch_turns (tenant, last_claimed_at) VALUES (:tenant, :now) "
                        + "ON CONFLICT (tenant) DO UPDATE SET last_claimed_at = EXCLUDED.last_claimed_at")
                .setParameter("tenant", tenant)
                .setParameter("now", claimedAt)
                .executeUpdate();
    }

    /**
     * Records the attempt's start, and the job's when it was STARTING (in one statement), and
     * leaves {@code job} as its row is now.
     *
     * @return whether the job was STARTING and is RUNNING now
     */
    boolean markRunning(Job job, int attempt, Instant startedAt, String securityJson, String imageDigest) {
        boolean running = em.createNativeQuery("WITH attempt AS (UPDATE job_attempts SET started_at = :at WHERE job_id = :id AND attempt = :attempt) "
                        + "UPDATE jobs SET state = :running, started_at = :at, security_json = :security, image_digest = :digest "
                        + "WHERE id = :id AND state = :starting")
                .setParameter("running", JobState.RUNNING.name())
                .setParameter("at", startedAt)
                .setParameter("security", securityJson)
                .setParameter("digest", imageDigest)
                .setParameter("id", job.id)
                .setParameter("attempt", attempt)
                .setParameter("starting", JobState.STARTING.name())
                .executeUpdate() == 1;
        if (running) {
            job.state = JobState.RUNNING;
            job.startedAt = startedAt;
            job.securityJson = securityJson;
            job.imageDigest = imageDigest;
        }
        return running;
    }

    /** Closes the attempt with its outcome and adds what it used to the tenant's totals, in one statement. */
    void closeAttempt(Job job, int attempt, JobState outcome, JobReason reason, String detail, Integer exitCode, Usage usage, Instant now) {
        em.createNativeQuery("WITH attempt AS (UPDATE job_attempts SET finished_at = :now, outcome = :outcome, reason = :reason, detail = :detail, "
                        + "exit_code = :exit, cpu_seconds = :cpu, peak_memory_bytes = :peak, wall_seconds = :wall "
                        + "WHERE job_id = :id AND attempt = :attempt) "
                        + "INSERT INTO tenant_usage (tenant, attempts, cpu_seconds, wall_seconds, peak_memory_bytes) "
                        + "VALUES (:tenant, 1, :cpu, :wall, :peak) ON CONFLICT (tenant) DO UPDATE SET attempts = tenant_usage.attempts + 1, "
                        + "cpu_seconds = tenant_usage.cpu_seconds + EXCLUDED.cpu_seconds, wall_seconds = tenant_usage.wall_seconds + EXCLUDED.wall_seconds, "
                        + "peak_memory_bytes = GREATEST(tenant_usage.peak_memory_bytes, EXCLUDED.peak_memory_bytes)")
                .setParameter("now", now)
                .setParameter("outcome", outcome.name())
                .setParameter("reason", reason == null ? null : reason.name())
                .setParameter("detail", detail)
                .setParameter("exit", exitCode)
                .setParameter("cpu", usage.cpuSeconds())
                .setParameter("peak", usage.peakMemoryBytes())
                .setParameter("wall", usage.wallSeconds())
                .setParameter("id", job.id)
                .setParameter("attempt", attempt)
                .setParameter("tenant", job.tenant)
                .executeUpdate();
    }

    /** Writes how an attempt left the job: final, or queued again for a retry; {@code job} is left as its row is now. */
    void end(Job job, Ending ending) {
        em.createNativeQuery("UPDATE jobs SET state = :state, reason = :reason, detail = :detail, exit_code = :exit, image_digest = :digest, "
                        + "security_json = :security, cpu_seconds = :cpu, wall_seconds = :wall, peak_memory_bytes = :peak, "
                        + "log_bytes = :logBytes, not_before = :notBefore, finished_at = :finishedAt WHERE id = :id")
                .setParameter("state", ending.state().name())
                .setParameter("reason", ending.reason() == null ? null : ending.reason().name())
                .setParameter("detail", ending.detail())
                .setParameter("exit", ending.exitCode())
                .setParameter("digest", ending.imageDigest())
                .setParameter("security", ending.securityJson())
                .setParameter("cpu", ending.cpuSeconds())
                .setParameter("wall", ending.wallSeconds())
                .setParameter("peak", ending.peakMemoryBytes())
                .setParameter("logBytes", ending.logBytes())
                .setParameter("notBefore", ending.notBefore())
                .setParameter("finishedAt", ending.finishedAt())
                .setParameter("id", job.id)
                .executeUpdate();
        job.state = ending.state();
        job.reason = ending.reason();
        job.detail = ending.detail();
        job.exitCode = ending.exitCode();
        job.imageDigest = ending.imageDigest();
        job.securityJson = ending.securityJson();
        job.cpuSeconds = ending.cpuSeconds();
        job.wallSeconds = ending.wallSeconds();
        job.peakMemoryBytes = ending.peakMemoryBytes();
        job.logBytes = ending.logBytes();
        job.notBefore = ending.notBefore();
        job.finishedAt = ending.finishedAt();
    }

    /** Ends the job FAILED without touching what its attempts recorded; {@code job} is left as its row is now. */
    void fail(Job job, JobReason reason, String detail, Instant now) {
        em.createNativeQuery("UPDATE jobs SET state = :failed, reason = :reason, detail = :detail, finished_at = :now WHERE id = :id")
                .setParameter("failed", JobState.FAILED.name())
                .setParameter("reason", reason.name())
                .setParameter("detail", detail)
                .setParameter("now", now)
                .setParameter("id", job.id)
                .executeUpdate();
        job.state = JobState.FAILED;
        job.reason = reason;
        job.detail = detail;
        job.finishedAt = now;
    }

    /**
     * Jobs the runner had claimed under an earlier lease and not finished, locked; jobs from
     * before replicas were named (runner NULL) or held leases count as its own.
     */
    List<UUID> lockOrphansOf(String runner, long currentEpoch) {
        @SuppressWarnings("unchecked")
        List<UUID> ids = em.createNativeQuery("SELECT id FROM jobs WHERE state IN (" + JobState.sql(JobState.ACTIVE) + ") "
                        + "AND (runner = :runner OR runner IS NULL) AND (lease_epoch IS NULL OR lease_epoch <> :epoch) FOR UPDATE", UUID.class)
                .setParameter("runner", runner)
                .setParameter("epoch", currentEpoch)
                .getResultList();
        return ids;
    }

    /** Jobs the runner has claimed that someone asked to cancel, possibly through another replica. */
    List<UUID> cancelRequestedOf(String runner) {
        return em.createQuery("SELECT j.id FROM Job j WHERE j.runner = :runner AND j.state IN :active AND j.cancelRequestedAt IS NOT NULL",
                        UUID.class)
                .setParameter("runner", runner)
                .setParameter("active", JobState.ACTIVE)
                .getResultList();
    }

    void logsDeleted(UUID id, Instant now) {
        em.createNativeQuery("UPDATE jobs SET logs_deleted_at = :now WHERE id = :id")
                .setParameter("now", now)
                .setParameter("id", id)
                .executeUpdate();
    }
}
