package dev.berth.api.usage.history;

import dev.berth.api.lifecycle.AttemptEnded;
import dev.berth.api.lifecycle.AttemptStarted;
import dev.berth.api.lifecycle.JobState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one writer of {@code usage_buckets}: adds each attempt's start and end to its tenant's
 * hourly and daily buckets. It observes the lifecycle's events inside the transition's own
 * transaction, so a bucket counts exactly the transitions that committed, also across a crash.
 * Each tenant keeps a bounded number of buckets: when a transition opens a new one, the tenant's
 * buckets older than the period's retention go.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class UsageHistory {

    @Inject
    EntityManager em;
    @ConfigProperty(name = "berth.usage.hourly-retention", defaultValue = "14d")
    Duration hourlyRetention;
    @ConfigProperty(name = "berth.usage.daily-retention", defaultValue = "400d")
    Duration dailyRetention;

    /** What one transition adds to a bucket; peaks and the longest wait are kept as maxima, the rest summed. */
    record Delta(int started, int succeeded, int failed, int cancelled, double cpuSeconds, long peakMemoryBytes, int waits,
                 double waitSeconds) {
    }

    void started(@Observes AttemptStarted started) {
        // Time spent QUEUED before this attempt was claimed: since submission, or since the previous attempt ended (backoff included).
        Number wait = (Number) em.createNativeQuery("SELECT GREATEST(EXTRACT(EPOCH FROM (a.claimed_at - "
                        + "CASE WHEN a.attempt = 1 THEN j.created_at ELSE COALESCE(p.finished_at, a.claimed_at) END)), 0) "
                        + "FROM job_attempts a JOIN jobs j ON j.id = a.job_id "
                        + "LEFT JOIN job_attempts p ON p.job_id = a.job_id AND p.attempt = a.attempt - 1 "
                        + "WHERE a.job_id = :id AND a.attempt = :attempt")
                .setParameter("id", started.id()).setParameter("attempt", started.attempt())
                .getResultStream().findFirst().orElse(0);
        add(started.tenant(), started.startedAt(), new Delta(1, 0, 0, 0, 0, 0, 1, wait.doubleValue()));
    }

    void ended(@Observes AttemptEnded ended) {
        JobState state = ended.jobState();
        add(ended.tenant(), ended.endedAt(), new Delta(0, state == JobState.SUCCEEDED ? 1 : 0, state == JobState.FAILED ? 1 : 0,
                state == JobState.CANCELLED ? 1 : 0, ended.usage().cpuSeconds(), ended.usage().peakMemoryBytes(), 0, 0));
    }

    private void add(String tenant, Instant at, Delta delta) {
        for (UsagePeriod period : UsagePeriod.values()) {
            boolean opened = (Boolean) em.createNativeQuery("INSERT INTO usage_buckets AS b (tenant, period, bucket_start, jobs_started, "
                            + "jobs_succeeded, jobs_failed, jobs_cancelled, cpu_seconds, peak_memory_bytes, queue_waits, queue_wait_seconds, "
                            + "queue_wait_max) VALUES (:tenant, :period, :bucket, :started, :succeeded, :failed, :cancelled, :cpu, :peak, "
                            + ":waits, :wait, :wait) ON CONFLICT (tenant, period, bucket_start) DO UPDATE SET "
                            + "jobs_started = b.jobs_started + EXCLUDED.jobs_started, jobs_succeeded = b.jobs_succeeded + EXCLUDED.jobs_succeeded, "
                            + "jobs_failed = b.jobs_failed + EXCLUDED.jobs_failed, jobs_cancelled = b.jobs_cancelled + EXCLUDED.jobs_cancelled, "
                            + "cpu_seconds = b.cpu_seconds + EXCLUDED.cpu_seconds, "
                            + "peak_memory_bytes = GREATEST(b.peak_memory_bytes, EXCLUDED.peak_memory_bytes), "
                            + "queue_waits = b.queue_waits + EXCLUDED.queue_waits, queue_wait_seconds = b.queue_wait_seconds + EXCLUDED.queue_wait_seconds, "
                            + "queue_wait_max = GREATEST(b.queue_wait_max, EXCLUDED.queue_wait_max) RETURNING (xmax = 0)")
                    .setParameter("tenant", tenant)
                    .setParameter("period", period.id())
                    .setParameter("bucket", period.bucketOf(at))
                    .setParameter("started", delta.started())
                    .setParameter("succeeded", delta.succeeded())
                    .setParameter("failed", delta.failed())
                    .setParameter("cancelled", delta.cancelled())
                    .setParameter("cpu", delta.cpuSeconds())
                    .setParameter("peak", delta.peakMemoryBytes())
                    .setParameter("waits", delta.waits())
                    .setParameter("wait", delta.waitSeconds())
                    .getSingleResult();
            if (opened) {
                em.createNativeQuery("DELETE FROM usage_buckets WHERE tenant = :tenant AND period = :period AND bucket_start < :cutoff")
                        .setParameter("tenant", tenant)
                        .setParameter("period", period.id())
                        .setParameter("cutoff", period.bucketOf(at).minus(retention(period)))
                        .executeUpdate();
            }
        }
    }

    private Duration retention(UsagePeriod period) {
        return period == UsagePeriod.HOUR ? hourlyRetention : dailyRetention;
    }
}
