package dev.berth.api.usage.history;

import dev.berth.api.problems.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads a tenant's usage buckets as a chart's series. */
@ApplicationScoped
public class UsageSeries {

    private static final double MIB = 1024 * 1024;

    @Inject
    EntityManager em;

    /** The chart of a period named in a request; an unknown period is a malformed request. */
    public UsageChart of(String tenant, String period) {
        UsagePeriod chosen = UsagePeriod.of(period == null ? UsagePeriod.HOUR.id() : period).orElseThrow(() -> ProblemException.malformed(
                "period must be \"hour\" or \"day\", got \"" + period + "\""));
        return of(tenant, chosen, Instant.now());
    }

    /** The last {@link UsagePeriod#shown()} buckets up to and including the one of {@code now}. */
    @Transactional
    public UsageChart of(String tenant, UsagePeriod period, Instant now) {
        Instant first = period.before(now, period.shown() - 1);
        @SuppressWarnings("unchecked")
        List<Object[]> stored = em.createNativeQuery("SELECT bucket_start, cpu_seconds, peak_memory_bytes, jobs_started, jobs_succeeded, "
                        + "jobs_failed, jobs_cancelled, queue_waits, queue_wait_seconds, queue_wait_max FROM usage_buckets "
                        + "WHERE tenant = :tenant AND period = :period AND bucket_start >= :first")
                .setParameter("tenant", tenant).setParameter("period", period.id()).setParameter("first", first)
                .getResultList();
        Map<Instant, Object[]> byBucket = new HashMap<>();
        for (Object[] row : stored) {
            byBucket.put(instant(row[0]), row);
        }
        List<Long> times = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        List<Double> memory = new ArrayList<>();
        List<Integer> started = new ArrayList<>();
        List<Integer> succeeded = new ArrayList<>();
        List<Integer> failed = new ArrayList<>();
        List<Integer> cancelled = new ArrayList<>();
        List<Double> waitMean = new ArrayList<>();
        List<Double> waitMax = new ArrayList<>();
        for (Instant bucket = first; !bucket.isAfter(period.bucketOf(now)); bucket = period.next(bucket)) {
            Object[] row = byBucket.get(bucket);
            times.add(bucket.getEpochSecond());
            cpu.add(row == null ? 0 : number(row[1]).doubleValue());
            memory.add(row == null ? 0 : number(row[2]).longValue() / MIB);
            started.add(row == null ? 0 : number(row[3]).intValue());
            succeeded.add(row == null ? 0 : number(row[4]).intValue());
            failed.add(row == null ? 0 : number(row[5]).intValue());
            cancelled.add(row == null ? 0 : number(row[6]).intValue());
            int waits = row == null ? 0 : number(row[7]).intValue();
            waitMean.add(waits == 0 ? 0 : number(row[8]).doubleValue() / waits);
            waitMax.add(row == null ? 0 : number(row[9]).doubleValue());
        }
        return new UsageChart(tenant, period.id(), times, cpu, memory, started, succeeded, failed, cancelled, waitMean, waitMax);
    }

    private static Instant instant(Object value) {
        return switch (value) {
            case Instant instant -> instant;
            case OffsetDateTime time -> time.toInstant();
            case java.sql.Timestamp timestamp -> timestamp.toInstant();
            default -> throw new IllegalStateException("unexpected bucket_start type " + value.getClass().getName());
        };
    }

    private static Number number(Object value) {
        return (Number) value;
    }
}
