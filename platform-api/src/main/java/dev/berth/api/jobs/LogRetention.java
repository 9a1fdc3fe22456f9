package dev.berth.api.jobs;

import dev.berth.api.config.BerthConfig;
import dev.berth.api.lifecycle.JobLifecycle;
import dev.berth.policy.tenant.TenantQuota;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Keeps finished jobs' logs within bounds: logs older than {@code berth.logs.retention} go, and so
 * do a tenant's oldest logs beyond its {@code logBytes} quota. The logs are in the shared store, so
 * any replica sweeps any job's; replicas sweeping at once delete the same rows at worst, harmlessly.
 */
@ApplicationScoped
public class LogRetention {

    private static final int BATCH = 500;

    /** Expired by age, or beyond the tenant's logBytes counting its newest logs first. */
    private static final String DUE = """
            SELECT id FROM jobs WHERE logs_deleted_at IS NULL AND finished_at < :cutoff
            UNION
            SELECT id FROM (
                SELECT j.id, sum(j.log_bytes) OVER (PARTITION BY j.tenant ORDER BY j.finished_at DESC, j.id) AS kept,
                       COALESCE(q.log_bytes, :defaultLogBytes) AS allowed
                FROM jobs j LEFT JOIN tenant_quotas q ON q.tenant = j.tenant
                WHERE j.logs_deleted_at IS NULL AND j.finished_at IS NOT NULL) ranked
            WHERE kept > allowed
            LIMIT :batch
            """;

    @Inject
    EntityManager em;
    @Inject
    JobLogs logs;
    @Inject
    BerthConfig config;
    @Inject
    JobLifecycle lifecycle;

    /** Deletes what is due, a batch at a time; returns how many jobs' logs went. */
    public int sweep() {
        int total = 0;
        List<UUID> due;
        do {
            due = QuarkusTransaction.requiringNew().call(this::due);
            for (UUID id : due) {
                QuarkusTransaction.requiringNew().run(() -> {
                    logs.delete(id);
                    lifecycle.logsDeleted(id);
                });
            }
            total += due.size();
        } while (due.size() == BATCH);
        return total;
    }

    private List<UUID> due() {
        @SuppressWarnings("unchecked")
        List<UUID> ids = em.createNativeQuery(DUE, UUID.class)
                .setParameter("cutoff", Instant.now().minus(config.logs().retention()))
                .setParameter("defaultLogBytes", TenantQuota.defaults().logBytes())
                .setParameter("batch", BATCH)
                .getResultList();
        return ids;
    }
}
