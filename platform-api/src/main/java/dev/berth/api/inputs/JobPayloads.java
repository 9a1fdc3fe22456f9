package dev.berth.api.inputs;

import dev.berth.api.blobs.DataBlobs;
import dev.berth.api.secrets.SecretService;
import dev.berth.engine.JobPayload;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.JobRequest;
import dev.berth.policy.data.DataContent;
import dev.berth.policy.data.InputFile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The one writer of job_payloads: a job's stdin and inline files, kept apart from its plan. At
 * launch it gathers everything the plan names by digest, the upload and the secrets' values,
 * into the engine's {@link JobPayload}.
 */
@ApplicationScoped
public class JobPayloads {

    private static final String STDIN = "stdin";
    private static final String FILE = "file";

    @Inject
    EntityManager em;
    @Inject
    InputUploads uploads;
    @Inject
    DataBlobs blobs;
    @Inject
    SecretService secrets;

    /** Stores the request's stdin and inline files with the job, in the submission's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void save(UUID jobId, JobRequest request) {
        if (request.stdin() != null) {
            insert(jobId, STDIN, "", DataContent.of(request.stdin()));
        }
        if (request.inputs() != null && request.inputs().files() != null) {
            for (InputFile file : request.inputs().files()) {
                insert(jobId, FILE, file.name(), DataContent.of(file));
            }
        }
    }

    /** Everything the plan names, for the engine; using the job's secrets is audited. */
    @Transactional
    public JobPayload forLaunch(UUID jobId, String tenant, ExecutionPlan plan) {
        byte[] stdin = null;
        Map<String, byte[]> files = new HashMap<>();
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT kind, name, content FROM job_payloads WHERE job_id = :job")
                .setParameter("job", jobId).getResultList();
        for (Object[] row : rows) {
            if (row[0].equals(STDIN)) {
                stdin = (byte[]) row[2];
            } else {
                files.put((String) row[1], (byte[]) row[2]);
            }
        }
        JobPayload.Upload upload = null;
        if (plan.data().inputs() != null && plan.data().inputs().upload() != null) {
            UUID blob = uploads.find(tenant, UUID.fromString(plan.data().inputs().upload()))
                    .orElseThrow(() -> new IllegalStateException("upload " + plan.data().inputs().upload()
                            + " was removed by retention before the job ran: upload it again and resubmit"))
                    .blobId();
            upload = () -> blobs.open(blob);
        }
        Map<String, byte[]> values = secrets.openForJob(tenant, "job/" + jobId, plan.data().secrets()).values();
        return new JobPayload(stdin, files, upload, values);
    }

    private void insert(UUID jobId, String kind, String name, byte[] content) {
        em.createNativeQuery("INSERT INTO job_payloads (job_id, kind, name, content) VALUES (:job, :kind, :name, :content)")
                .setParameter("job", jobId).setParameter("kind", kind).setParameter("name", name).setParameter("content", content)
                .executeUpdate();
    }
}
