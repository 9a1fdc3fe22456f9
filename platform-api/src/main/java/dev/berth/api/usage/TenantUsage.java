package dev.berth.api.usage;

import dev.berth.api.images.registry.RegistryUsage;
import dev.berth.api.inputs.UploadQuota;
import dev.berth.api.lifecycle.JobState;
import dev.berth.api.policy.TenantPolicies;
import dev.berth.api.problems.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jboss.logging.Logger;

/** What a tenant uses of its quota right now, read the way the dispatcher counts it. */
@ApplicationScoped
public class TenantUsage {

    private static final Logger LOG = Logger.getLogger(TenantUsage.class);

    @Inject
    EntityManager em;
    @Inject
    TenantPolicies policies;
    @Inject
    RegistryUsage registry;
    @Inject
    UploadQuota uploads;

    @Transactional
    public QuotaView of(String tenant) {
        Object[] active = (Object[]) em.createNativeQuery("SELECT count(*), COALESCE(sum(cpu_millis), 0), COALESCE(sum(memory_mib), 0), "
                        + "COALESCE(sum(pids), 0) FROM jobs WHERE tenant = :tenant AND state IN (" + JobState.sql(JobState.ACTIVE) + ")")
                .setParameter("tenant", tenant).getSingleResult();
        long logBytes = count("SELECT COALESCE(sum(log_bytes), 0) FROM jobs WHERE tenant = :tenant AND logs_deleted_at IS NULL "
                + "AND finished_at IS NOT NULL", tenant);
        long artifactBytes = count("SELECT COALESCE(sum(a.bytes), 0) FROM job_artifacts a JOIN jobs j ON j.id = a.job_id"
                + " WHERE j.tenant = :tenant", tenant);
        long lastHour = ((Number) em.createNativeQuery("SELECT count(*) FROM job_attempts WHERE tenant = :tenant AND claimed_at > :since")
                .setParameter("tenant", tenant).setParameter("since", Instant.now().minus(1, ChronoUnit.HOURS)).getSingleResult()).longValue();
        long queued = count("SELECT count(*) FROM jobs WHERE tenant = :tenant AND state = " + JobState.QUEUED.sql(), tenant);
        @SuppressWarnings("unchecked")
        List<Object[]> totals = (List<Object[]>) em.createNativeQuery("SELECT attempts, cpu_seconds, wall_seconds, peak_memory_bytes "
                + "FROM tenant_usage WHERE tenant = :tenant").setParameter("tenant", tenant).getResultList();
        QuotaView.Consumed consumed = totals.isEmpty() ? new QuotaView.Consumed(0, 0, 0, 0)
                : new QuotaView.Consumed(((Number) totals.getFirst()[0]).longValue(), ((Number) totals.getFirst()[1]).doubleValue(),
                        ((Number) totals.getFirst()[2]).doubleValue(), ((Number) totals.getFirst()[3]).longValue());
        return new QuotaView(tenant, policies.quotaOf(tenant),
                new QuotaView.InUse(number(active[0]), number(active[1]), number(active[2]), number(active[3]), logBytes, lastHour, registryBytes(tenant),
                        artifactBytes, uploads.storedBytes(tenant)),
                queued, consumed);
    }

    private Long registryBytes(String tenant) {
        if (!registry.available()) {
            return null;
        }
        try {
            return registry.bytes(tenant);
        } catch (ProblemException e) {
            LOG.warnf("cannot count tenant %s's registry storage: %s", tenant, e.getMessage());
            return null;
        }
    }

    private long count(String sql, String tenant) {
        return number(em.createNativeQuery(sql).setParameter("tenant", tenant).getSingleResult());
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }
}
