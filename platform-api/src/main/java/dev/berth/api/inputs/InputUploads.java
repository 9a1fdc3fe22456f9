package dev.berth.api.inputs;

import dev.berth.api.audit.AuditEntry;
import dev.berth.api.audit.AuditLog;
import dev.berth.api.blobs.DataBlobs;
import dev.berth.api.config.BerthConfig;
import dev.berth.api.config.DataConfig;
import dev.berth.api.lifecycle.JobState;
import dev.berth.api.policy.PlatformBaselineConfig;
import dev.berth.api.policy.TenantPolicies;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import dev.berth.api.refusals.Refusal;
import dev.berth.engine.data.InputsDirectory;
import dev.berth.engine.image.FileTrees;
import dev.berth.engine.image.LayerRejectedException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The one writer of input_uploads: a tenant's tar is streamed to the data directory within the
 * platform's cap and the room its uploadBytes quota leaves (a declared length beyond either is
 * refused before a byte is read), checked entry by entry with the image layers' own rules
 * (unpacked into a scratch directory that is removed again) within what the tenant's largest job
 * scratch could hold, and only then stored, once {@link UploadQuota} admitted it under the
 * tenant's lock; a refused tar leaves nothing behind. An upload a queued or running job names is
 * kept, from deletion and from retention, until the job ends.
 */
@ApplicationScoped
public class InputUploads {

    public static final String MEDIA_TYPE = "application/x-tar";
    private static final String RULE = "inputs.entry";

    @Inject
    EntityManager em;
    @Inject
    DataBlobs blobs;
    @Inject
    AuditLog audit;
    @Inject
    BerthConfig config;
    @Inject
    DataConfig data;
    @Inject
    Event<Refusal> refusals;
    @Inject
    TenantPolicies policies;
    @Inject
    PlatformBaselineConfig baseline;
    @Inject
    UploadQuota quota;

    /** A stored upload: where its bytes are and what it unpacks to. */
    public record Stored(UUID id, UUID blobId, long unpackedBytes) {
    }

    /**
     * @param declaredBytes the body's Content-Length, when the client sent one
     */
    @Transactional(rollbackOn = IOException.class)
    public UploadView upload(String tenant, OptionalLong declaredBytes, InputStream body) throws IOException {
        if (declaredBytes.isPresent() && declaredBytes.getAsLong() > data.maxUploadBytes()) {
            throw tooLarge("the upload is " + declaredBytes.getAsLong() + " bytes");
        }
        UploadQuota.Room room = quota.room(tenant);
        if (declaredBytes.isPresent() && declaredBytes.getAsLong() > room.left()) {
            throw quota.exceeded(tenant, room, "the upload is " + declaredBytes.getAsLong() + " bytes");
        }
        long unpackedCap = unpackedCap(tenant);
        Path spoolDir = Files.createDirectories(config.dataDir().resolve("uploads"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path spool = Files.createTempFile(spoolDir, "upload", ".tar");
        Path scratch = Files.createTempDirectory(spoolDir, "check");
        try {
            spoolWithin(tenant, room, body, spool);
            long unpacked = check(spool, scratch, unpackedCap);
            DataBlobs.Blob blob;
            try (InputStream tar = Files.newInputStream(spool)) {
                blob = blobs.write(tenant, tar);
            }
            quota.admit(tenant, blob.bytes());
            UUID id = UUID.randomUUID();
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            em.createNativeQuery("INSERT INTO input_uploads (id, tenant, blob_id, unpacked_bytes, created_at) VALUES (:id, :tenant, :blob, :unpacked, :now)")
                    .setParameter("id", id).setParameter("tenant", tenant).setParameter("blob", blob.id())
                    .setParameter("unpacked", unpacked).setParameter("now", now).executeUpdate();
            audit.record(AuditEntry.success("input.upload", tenant, "input/" + id)
                    .reason(blob.bytes() + " bytes, " + unpacked + " unpacked, " + blob.sha256()));
            return new UploadView(id, blob.bytes(), unpacked, blob.sha256(), now);
        } finally {
            Files.deleteIfExists(spool);
            FileTrees.remove(scratch);
        }
    }

    /**
     * Deletes the tenant's upload and frees its room in the quota, unless a queued or running job
     * names it. The row is locked first, so a submission naming it (which reads it {@code FOR SHARE})
     * either committed its job before the check below sees it or finds the upload gone.
     */
    @Transactional
    public void delete(String tenant, UUID id) {
        @SuppressWarnings("unchecked")
        List<UUID> blob = em.createNativeQuery("SELECT blob_id FROM input_uploads WHERE id = :id AND tenant = :tenant FOR UPDATE", UUID.class)
                .setParameter("id", id).setParameter("tenant", tenant).getResultList();
        if (blob.isEmpty()) {
            throw ProblemException.notFound("upload " + id);
        }
        List<UUID> jobs = openJobsNaming(tenant, id);
        if (!jobs.isEmpty()) {
            throw new ProblemException(ProblemType.UPLOAD_IN_USE, "upload " + id + " is named by open job(s) " + jobs
                    + "; it can be deleted once they end (or cancel them with POST /api/v1/jobs/{id}/cancel)");
        }
        em.createNativeQuery("DELETE FROM input_uploads WHERE id = :id").setParameter("id", id).executeUpdate();
        em.createNativeQuery("DELETE FROM data_blobs WHERE id = :blob").setParameter("blob", blob.getFirst()).executeUpdate();
        audit.record(AuditEntry.success("input.delete", tenant, "input/" + id));
    }

    /**
     * Removes uploads stored before the cutoff that no queued or running job names.
     *
     * @return how many went
     */
    @Transactional
    public int expire(Instant cutoff) {
        @SuppressWarnings("unchecked")
        List<Object[]> old = em.createNativeQuery("SELECT id, tenant FROM input_uploads WHERE created_at < :cutoff FOR UPDATE")
                .setParameter("cutoff", cutoff).getResultList();
        List<UUID> due = old.stream().filter(row -> openJobsNaming((String) row[1], (UUID) row[0]).isEmpty()).map(row -> (UUID) row[0])
                .toList();
        if (due.isEmpty()) {
            return 0;
        }
        @SuppressWarnings("unchecked")
        List<UUID> blobIds = em.createNativeQuery("DELETE FROM input_uploads WHERE id IN (:ids) RETURNING blob_id", UUID.class)
                .setParameter("ids", due).getResultList();
        em.createNativeQuery("DELETE FROM data_blobs WHERE id IN (:ids)").setParameter("ids", blobIds).executeUpdate();
        return blobIds.size();
    }

    /**
     * The tenant's upload, its row kept from deletion until the transaction ends (a submission
     * naming it commits its job first); another tenant's is as absent as a missing one.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Stored> find(String tenant, UUID id) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT id, blob_id, unpacked_bytes FROM input_uploads WHERE id = :id AND tenant = :tenant"
                        + " FOR SHARE")
                .setParameter("id", id).setParameter("tenant", tenant).getResultList();
        return rows.stream().findFirst().map(row -> new Stored((UUID) row[0], (UUID) row[1], ((Number) row[2]).longValue()));
    }

    /** Inputs count against the job's scratch, so no job of the tenant could hold more than its largest scratch. */
    private long unpackedCap(String tenant) {
        Integer tenantMax = policies.policyOf(tenant).maxResources().scratchMiB();
        long scratchMiB = tenantMax == null ? baseline.ceilings().maxScratchMiB() : Math.min(tenantMax, baseline.ceilings().maxScratchMiB());
        return Math.min(data.maxUploadBytes(), scratchMiB << 20);
    }

    private ProblemException tooLarge(String what) {
        return new ProblemException(ProblemType.INPUT_TOO_LARGE, what + ", more than berth.data.max-upload-bytes (" + data.maxUploadBytes()
                + " bytes) allows; nothing was stored: split the inputs over several jobs or ask the operator to raise it");
    }

    /** Spools the body, refusing it as soon as it passes the platform's cap or the room the tenant's quota left when it began. */
    private void spoolWithin(String tenant, UploadQuota.Room room, InputStream body, Path spool) throws IOException {
        long max = data.maxUploadBytes();
        try (OutputStream out = Files.newOutputStream(spool)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            int read;
            while ((read = body.read(buffer)) >= 0) {
                total += read;
                if (total > max) {
                    throw tooLarge("the upload is larger than " + max + " bytes");
                }
                if (total > room.left()) {
                    throw quota.exceeded(tenant, room, "the upload is larger than " + room.left() + " bytes");
                }
                out.write(buffer, 0, read);
            }
        }
    }

    private List<UUID> openJobsNaming(String tenant, UUID upload) {
        @SuppressWarnings("unchecked")
        List<UUID> jobs = em.createNativeQuery("SELECT id FROM jobs WHERE tenant = :tenant AND state IN (" + JobState.sql(JobState.OPEN) + ")"
                        + " AND CAST(data_json AS jsonb) #>> '{inputs,upload}' = :upload ORDER BY created_at", UUID.class)
                .setParameter("tenant", tenant).setParameter("upload", upload.toString()).getResultList();
        return jobs;
    }

    private long check(Path spool, Path scratch, long unpackedCap) throws IOException {
        try (InputStream tar = Files.newInputStream(spool)) {
            return InputsDirectory.check(tar, scratch, unpackedCap);
        } catch (LayerRejectedException e) {
            String detail = e.reason().startsWith("the image unpacks to more than")
                    ? "the upload unpacks to more than " + unpackedCap + " bytes, the most a job of this tenant could hold (the smallest of"
                            + " berth.data.max-upload-bytes and the largest scratchMiB its policy and the platform allow); nothing was stored"
                    : "entry '" + e.entry() + "' of the upload is refused: " + e.reason() + "; nothing was stored";
            refusals.fire(new Refusal("input.deny", detail, List.of(RULE)));
            throw new ProblemException(e.reason().startsWith("the image unpacks to more than") ? ProblemType.INPUT_TOO_LARGE
                    : ProblemType.INPUT_REFUSED, detail);
        } catch (IOException e) {
            String detail = "the upload is not a tar archive (" + e.getMessage() + "); send an uncompressed tar as application/x-tar";
            refusals.fire(new Refusal("input.deny", detail, List.of(RULE)));
            throw new ProblemException(ProblemType.INPUT_REFUSED, detail);
        }
    }
}
