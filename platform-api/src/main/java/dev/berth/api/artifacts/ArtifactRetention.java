package dev.berth.api.artifacts;

import dev.berth.api.config.BerthConfig;
import dev.berth.api.inputs.InputUploads;
import dev.berth.policy.tenant.TenantQuota;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Keeps stored job data within bounds, like logs: artifacts of jobs that finished longer than
 * {@code berth.logs.retention} ago go, and so do a tenant's oldest artifacts once they pass its
 * {@code artifactBytes} quota (newest jobs' artifacts counted first); input uploads older than
 * the retention go too, but for those a queued or running job names. Any replica may sweep: the
 * data is in the shared database.
 */
@ApplicationScoped
public class ArtifactRetention {

    private static final int BATCH = 500;

    private static final String DUE = """
            SELECT job_id FROM (
                SELECT a.job_id, j.finished_at,
                       sum(sum(a.bytes)) OVER (PARTITION BY j.tenant ORDER BY j.finished_at DESC, a.job_id) AS kept,
                       COALESCE(q.artifact_bytes, :defaultBytes) AS allowed
                FROM job_artifacts a JOIN jobs j ON j.id = a.job_id LEFT JOIN tenant_quotas q ON q.tenant = j.tenant
                WHERE j.finished_at IS NOT NULL
                GROUP BY a.job_id, j.tenant, j.finished_at, q.artifact_bytes) ranked
            WHERE kept > allowed OR finished_at < :cutoff
            LIMIT :batch
            """;

    @Inject
    EntityManager em;
    @Inject
    JobArtifacts store;
    @Inject
    BerthConfig config;
    @Inject
    InputUploads uploads;

    /** Removes what is due; returns how many jobs' artifacts and uploads went. */
    public int sweep() {
        int total = 0;
        List<UUID> due;
        do {
            due = QuarkusTransaction.requiringNew().call(this::due);
            store.expire(due);
            total += due.size();
        } while (due.size() == BATCH);
        return total + uploads.expire(cutoff());
    }

    private List<UUID> due() {
        @SuppressWarnings("unchecked")
        List<UUID> ids = em.createNativeQuery(DUE, UUID.class)
                .setParameter("defaultBytes", TenantQuota.DEFAULT_ARTIFACT_BYTES)
                .setParameter("cutoff", cutoff())
                .setParameter("batch", BATCH)
                .getResultList();
        return ids;
    }

    private Instant cutoff() {
        return Instant.now().minus(config.logs().retention());
    }
}
