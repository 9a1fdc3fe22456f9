package dev.berth.api.artifacts;

import dev.berth.api.audit.AuditEntry;
import dev.berth.api.audit.AuditLog;
import dev.berth.api.blobs.DataBlobs;
import dev.berth.api.policy.TenantPolicies;
import dev.berth.api.sql.NativeRows;
import dev.berth.engine.data.ArtifactReport;
import dev.berth.engine.data.CollectedArtifact;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The one writer of job_artifacts and their notes: what the engine collected after an attempt is
 * stored in PostgreSQL, so any replica serves it, and its local copy is removed. An attempt never
 * stores more than the tenant's {@code artifactBytes} quota; older jobs' artifacts beyond it are
 * removed by {@link ArtifactRetention}, newest kept first.
 */
@ApplicationScoped
public class JobArtifacts {

    @Inject
    EntityManager em;
    @Inject
    DataBlobs blobs;
    @Inject
    AuditLog audit;
    @Inject
    TenantPolicies policies;

    /** A stored artifact with the blob holding its bytes. */
    public record Stored(ArtifactView view, UUID blobId) {
    }

    @Transactional
    public void save(UUID jobId, String tenant, int attempt, ArtifactReport report) throws IOException {
        if (report.isEmpty()) {
            return;
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        long allowed = policies.quotaOf(tenant).artifactBytes();
        List<String> notes = new ArrayList<>(report.notes());
        long bytes = 0;
        int stored = 0;
        for (CollectedArtifact artifact : report.artifacts()) {
            if (bytes + artifact.bytes() > allowed) {
                notes.add(artifact.name() + " (" + artifact.bytes() + " bytes) would pass the tenant's artifactBytes quota of " + allowed
                        + " bytes: not stored");
                continue;
            }
            DataBlobs.Blob blob;
            try (InputStream content = Files.newInputStream(artifact.file())) {
                blob = blobs.write(tenant, content);
            }
            if (!blob.sha256().equals(artifact.sha256())) {
                throw new IOException("artifact " + artifact.name() + " changed between collection and storage");
            }
            bytes += blob.bytes();
            stored++;
            em.createNativeQuery("INSERT INTO job_artifacts (job_id, attempt, name, bytes, sha256, blob_id, created_at)"
                            + " VALUES (:job, :attempt, :name, :bytes, :sha256, :blob, :now)")
                    .setParameter("job", jobId).setParameter("attempt", attempt).setParameter("name", artifact.name())
                    .setParameter("bytes", blob.bytes()).setParameter("sha256", blob.sha256()).setParameter("blob", blob.id())
                    .setParameter("now", now).executeUpdate();
        }
        for (int i = 0; i < notes.size(); i++) {
            em.createNativeQuery("INSERT INTO job_artifact_notes (job_id, attempt, seq, note) VALUES (:job, :attempt, :seq, :note)")
                    .setParameter("job", jobId).setParameter("attempt", attempt).setParameter("seq", i)
                    .setParameter("note", notes.get(i)).executeUpdate();
        }
        audit.record(AuditEntry.success("job.artifacts", tenant, "job/" + jobId)
                .reason("attempt " + attempt + ": " + stored + " artifact(s), " + bytes + " bytes, " + notes.size() + " left out"));
        for (CollectedArtifact artifact : report.artifacts()) {
            Files.deleteIfExists(artifact.file());
        }
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Integer> latestAttempt(UUID jobId) {
        Object attempt = em.createNativeQuery("SELECT max(attempt) FROM (SELECT attempt FROM job_artifacts WHERE job_id = :job"
                + " UNION ALL SELECT attempt FROM job_artifact_notes WHERE job_id = :job) a").setParameter("job", jobId).getSingleResult();
        return Optional.ofNullable(attempt).map(value -> ((Number) value).intValue());
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public List<ArtifactView> list(UUID jobId, int attempt) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT name, attempt, bytes, sha256, created_at, blob_id FROM job_artifacts"
                + " WHERE job_id = :job AND attempt = :attempt ORDER BY name").setParameter("job", jobId).setParameter("attempt", attempt)
                .getResultList();
        return rows.stream().map(JobArtifacts::stored).map(Stored::view).toList();
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public List<String> notes(UUID jobId, int attempt) {
        @SuppressWarnings("unchecked")
        List<String> notes = em.createNativeQuery("SELECT note FROM job_artifact_notes WHERE job_id = :job AND attempt = :attempt ORDER BY seq")
                .setParameter("job", jobId).setParameter("attempt", attempt).getResultList();
        return notes;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Stored> find(UUID jobId, int attempt, String name) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT name, attempt, bytes, sha256, created_at, blob_id FROM job_artifacts"
                        + " WHERE job_id = :job AND attempt = :attempt AND name = :name")
                .setParameter("job", jobId).setParameter("attempt", attempt).setParameter("name", name).getResultList();
        return rows.stream().findFirst().map(JobArtifacts::stored);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public boolean expired(UUID jobId) {
        return !em.createNativeQuery("SELECT 1 FROM job_artifacts_expired WHERE job_id = :job").setParameter("job", jobId).getResultList().isEmpty();
    }

    /** Removes the jobs' artifacts and their bytes; their listings answer 410 from now on. */
    @Transactional
    public void expire(List<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return;
        }
        @SuppressWarnings("unchecked")
        List<UUID> blobIds = em.createNativeQuery("DELETE FROM job_artifacts WHERE job_id IN (:jobs) RETURNING blob_id", UUID.class)
                .setParameter("jobs", jobIds).getResultList();
        em.createNativeQuery("DELETE FROM job_artifact_notes WHERE job_id IN (:jobs)").setParameter("jobs", jobIds).executeUpdate();
        for (UUID job : jobIds) {
            em.createNativeQuery("INSERT INTO job_artifacts_expired (job_id, expired_at) VALUES (:job, now()) ON CONFLICT DO NOTHING")
                    .setParameter("job", job).executeUpdate();
        }
        blobs.delete(blobIds);
    }

    private static Stored stored(Object[] row) {
        return new Stored(new ArtifactView((String) row[0], ((Number) row[1]).intValue(), ((Number) row[2]).longValue(), (String) row[3],
                NativeRows.instant(row[4])), (UUID) row[5]);
    }
}
