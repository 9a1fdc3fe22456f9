package dev.berth.api.jobs;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Reads the attempts the dispatcher recorded for a job. */
@ApplicationScoped
public class JobAttempts {

    @Inject
    EntityManager em;

    @Transactional
    public List<JobView.AttemptView> of(UUID jobId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT attempt, runner, claimed_at, started_at, finished_at, outcome, reason, detail, "
                        + "exit_code, cpu_seconds, peak_memory_bytes, wall_seconds FROM job_attempts WHERE job_id = :id ORDER BY attempt")
                .setParameter("id", jobId)
                .getResultList();
        return rows.stream().map(row -> new JobView.AttemptView(((Number) row[0]).intValue(), (String) row[1],
                instant(row[2]), instant(row[3]), instant(row[4]), (String) row[5], (String) row[6], (String) row[7],
                row[8] == null ? null : ((Number) row[8]).intValue(),
                new JobView.UsageView(row[9] == null ? null : ((Number) row[9]).doubleValue(),
                        row[10] == null ? null : ((Number) row[10]).longValue(),
                        row[11] == null ? null : ((Number) row[11]).doubleValue()))).toList();
    }

    private static Instant instant(Object value) {
        return switch (value) {
            case null -> null;
            case Instant instant -> instant;
            case OffsetDateTime offset -> offset.toInstant();
            case java.sql.Timestamp timestamp -> timestamp.toInstant();
            default -> throw new IllegalStateException("unexpected timestamp type " + value.getClass());
        };
    }
}
