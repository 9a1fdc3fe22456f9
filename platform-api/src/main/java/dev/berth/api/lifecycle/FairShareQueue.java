package dev.berth.api.lifecycle;

import dev.berth.policy.tenant.TenantQuota;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Chooses the next job to run. Tenants take turns: the tenant whose last claim lies furthest back
 * goes first, so a tenant with thousands of queued jobs delays another tenant's job by at most
 * one claim. Within a tenant, jobs run oldest first. A tenant is passed over while its running
 * jobs use up its quota (concurrent jobs, CPU, memory, pids, jobs per hour) or its oldest job does
 * not fit the room left on this replica; its jobs wait, they are not refused.
 */
@ApplicationScoped
class FairShareQueue {

    /**
     * Walks the tenants in turn order along {@code dispatch_turns_order} and stops at the first
     * whose oldest runnable job fits; tenants without a stored quota get the default one. Each
     * tenant walked costs a quota lookup and, unless it is at its concurrency quota, one probe of
     * the partial index on queued jobs; the sums read only active jobs. So neither the length of
     * the queue nor of the job history makes a claim slower. OFFSET 0 keeps PostgreSQL from
     * flattening the subquery, so the jobs-per-hour count, the dearest check, runs only for the
     * candidates in turn until one passes.
     */
    private static final String NEXT = """
            WITH busy AS (
                SELECT tenant, count(*) AS jobs, sum(cpu_millis) AS cpu, sum(memory_mib) AS memory, sum(pids) AS pids
                FROM jobs WHERE state IN (%s) GROUP BY tenant)
            SELECT id FROM (
                SELECT head.id, turn.tenant, COALESCE(q.jobs_per_hour, :perHour) AS per_hour
                FROM dispatch_turns turn
                LEFT JOIN tenant_quotas q ON q.tenant = turn.tenant
                LEFT JOIN busy b ON b.tenant = turn.tenant
                CROSS JOIN LATERAL (
                    SELECT j.id, j.cpu_millis, j.memory_mib, j.pids FROM jobs j
                    WHERE j.tenant = turn.tenant AND j.state = %s AND (j.not_before IS NULL OR j.not_before <= now())
                    ORDER BY j.created_at LIMIT 1) head
                WHERE head.cpu_millis <= :freeCpu AND head.memory_mib <= :freeMemory
                  AND COALESCE(b.jobs, 0) + 1 <= COALESCE(q.concurrent_jobs, :jobs)
                  AND COALESCE(b.cpu, 0) + head.cpu_millis <= COALESCE(q.cpu_millis, :cpu)
                  AND COALESCE(b.memory, 0) + head.memory_mib <= COALESCE(q.memory_mib, :memory)
                  AND COALESCE(b.pids, 0) + head.pids <= COALESCE(q.pids, :pids)
                ORDER BY turn.last_claimed_at, turn.tenant
                OFFSET 0) candidate
            WHERE (SELECT count(*) FROM job_attempts a WHERE a.tenant = candidate.tenant AND a.claimed_at > now() - interval '1 hour')
                  < candidate.per_hour
            LIMIT 1
            """.formatted(JobState.sql(JobState.ACTIVE), JobState.QUEUED.sql());

    @Inject
    EntityManager em;

    /** The job to claim next, if any fits the free CPU and memory; call inside the claiming transaction. */
    Optional<UUID> next(int freeCpuMillis, int freeMemoryMiB) {
        TenantQuota defaults = TenantQuota.defaults();
        @SuppressWarnings("unchecked")
        List<UUID> ids = em.createNativeQuery(NEXT, UUID.class)
                .setParameter("freeCpu", freeCpuMillis)
                .setParameter("freeMemory", freeMemoryMiB)
                .setParameter("jobs", defaults.concurrentJobs())
                .setParameter("cpu", defaults.cpuMillis())
                .setParameter("memory", defaults.memoryMiB())
                .setParameter("pids", defaults.pids())
                .setParameter("perHour", defaults.jobsPerHour())
                .getResultList();
        return ids.stream().findFirst();
    }
}
