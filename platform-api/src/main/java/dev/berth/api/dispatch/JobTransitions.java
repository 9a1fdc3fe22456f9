package dev.berth.api.dispatch;

import dev.berth.api.audit.AuditLog;
import dev.berth.api.audit.JobAudit;
import dev.berth.api.audit.Provenance;
import dev.berth.api.jobs.Job;
import dev.berth.api.jobs.JobState;
import dev.berth.api.jobs.JsonColumns;
import dev.berth.engine.JobOutcome;
import dev.berth.engine.JobStart;
import dev.berth.engine.TerminationReason;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Every state change of a job, each in its own transaction. */
@ApplicationScoped
public class JobTransitions {

    @Inject
    EntityManager em;
    @Inject
    JsonColumns json;
    @Inject
    AuditLog audit;

    /**
     * Claims the oldest queued job. {@code SKIP LOCKED} lets several replicas share one database
     * without claiming the same job twice.
     */
    @Transactional
    public Optional<Job> claimNext() {
        @SuppressWarnings("unchecked")
        List<UUID> claimed = em.createNativeQuery("UPDATE jobs SET state = 'STARTING', attempts = attempts + 1 WHERE id = ("
                        + "SELECT id FROM jobs WHERE state = 'QUEUED' ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id", UUID.class)
                .getResultList();
        return claimed.stream().findFirst().map(id -> em.find(Job.class, id));
    }

    @Transactional
    public void running(UUID id, JobStart start) {
        int started = em.createQuery("UPDATE Job j SET j.state = :running, j.startedAt = :at, j.securityJson = :security, j.imageDigest = :digest "
                        + "WHERE j.id = :id AND j.state = :starting")
                .setParameter("running", JobState.RUNNING)
                .setParameter("at", start.startedAt())
                .setParameter("security", json.write(start.security()))
                .setParameter("digest", start.imageDigest())
                .setParameter("id", id)
                .setParameter("starting", JobState.STARTING)
                .executeUpdate();
        if (started == 1) {
            audit.record(JobAudit.started(em.find(Job.class, id)));
        }
    }

    @Transactional
    public void finished(UUID id, JobOutcome outcome) {
        Job job = em.find(Job.class, id);
        job.state = outcome.succeeded() ? JobState.SUCCEEDED
                : outcome.reason().filter(r -> r == TerminationReason.Cancelled).isPresent() ? JobState.CANCELLED
                : JobState.FAILED;
        job.reason = outcome.reason().map(Enum::name).orElse(outcome.succeeded() ? null : "Error");
        job.detail = outcome.detail();
        job.exitCode = outcome.exitCode().orElse(null);
        job.imageDigest = outcome.imageDigest();
        outcome.security().ifPresent(security -> job.securityJson = json.write(security));
        job.cpuSeconds = outcome.usage().cpuSeconds();
        job.peakMemoryBytes = outcome.usage().peakMemoryBytes();
        job.wallSeconds = outcome.usage().wallSeconds();
        job.finishedAt = Instant.now();
        audit.record(JobAudit.ended(job));
    }

    @Transactional
    public void failed(UUID id, String reason, String detail) {
        Job job = em.find(Job.class, id);
        job.state = JobState.FAILED;
        job.reason = reason;
        job.detail = detail;
        job.finishedAt = Instant.now();
        audit.record(JobAudit.ended(job));
    }

    /** Jobs a previous run of the platform left starting or running can no longer be followed. */
    @Transactional
    public int failOrphans() {
        List<Job> orphans = em.createQuery("SELECT j FROM Job j WHERE j.state IN :active", Job.class)
                .setParameter("active", List.of(JobState.STARTING, JobState.RUNNING)).getResultList();
        int failed = em.createQuery("UPDATE Job j SET j.state = :failed, j.reason = 'PlatformRestart', "
                        + "j.detail = 'the platform restarted while the job was starting or running', j.finishedAt = :now "
                        + "WHERE j.state IN :active")
                .setParameter("failed", JobState.FAILED)
                .setParameter("now", Instant.now())
                .setParameter("active", List.of(JobState.STARTING, JobState.RUNNING))
                .executeUpdate();
        orphans.forEach(em::refresh);
        audit.recordAll(orphans.stream().map(JobAudit::ended).toList(), Provenance.PLATFORM);
        return failed;
    }

}
