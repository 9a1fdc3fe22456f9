package dev.berth.api.jobs;

import dev.berth.api.lifecycle.Job;
import dev.berth.api.lifecycle.JobReason;
import dev.berth.api.lifecycle.JobState;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads one job with every attempt for {@code GET /jobs/{id}}: one statement on an autocommit
 * connection (a single statement sees one snapshot), with neither a JTA transaction nor the ORM,
 * because this is the request clients repeat most.
 */
@ApplicationScoped
public class JobReads {

    private static final String SELECT = "SELECT j.id, j.tenant, j.state, j.reason, j.detail, j.exit_code, j.created_at, j.started_at, "
            + "j.finished_at, j.attempts, j.max_attempts, j.not_before, j.cancel_requested_at, j.labels::text, j.image, j.image_digest, "
            + "j.cpu_seconds, j.peak_memory_bytes, j.wall_seconds, j.security_json, j.decisions, "
            + "a.attempt, a.runner, a.claimed_at, a.started_at, a.finished_at, a.outcome, a.reason, a.detail, a.exit_code, "
            + "a.cpu_seconds, a.peak_memory_bytes, a.wall_seconds "
            + "FROM jobs j LEFT JOIN job_attempts a ON a.job_id = j.id WHERE j.id = ? AND j.tenant = ? ORDER BY a.attempt";

    @Inject
    AgroalDataSource dataSource;
    @Inject
    JobViews views;

    /** The tenant's job with its history; empty for a missing job and for another tenant's alike. */
    public Optional<JobView> withHistory(String tenant, UUID id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(SELECT)) {
            select.setObject(1, id);
            select.setString(2, tenant);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                Job job = job(rows);
                List<JobView.AttemptView> history = new ArrayList<>();
                do {
                    if (rows.getObject(22) != null) {
                        history.add(attempt(rows));
                    }
                } while (rows.next());
                return Optional.of(views.withHistory(job, history));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read job " + id + ": " + e.getMessage(), e);
        }
    }

    private static Job job(ResultSet row) throws SQLException {
        Job job = new Job();
        job.id = row.getObject(1, UUID.class);
        job.tenant = row.getString(2);
        job.state = JobState.valueOf(row.getString(3));
        job.reason = row.getString(4) == null ? null : JobReason.valueOf(row.getString(4));
        job.detail = row.getString(5);
        job.exitCode = integer(row, 6);
        job.createdAt = instant(row, 7);
        job.startedAt = instant(row, 8);
        job.finishedAt = instant(row, 9);
        job.attempts = row.getInt(10);
        job.maxAttempts = row.getInt(11);
        job.notBefore = instant(row, 12);
        job.cancelRequestedAt = instant(row, 13);
        job.labels = row.getString(14);
        job.image = row.getString(15);
        job.imageDigest = row.getString(16);
        job.cpuSeconds = number(row, 17);
        job.peakMemoryBytes = row.getObject(18, Long.class);
        job.wallSeconds = number(row, 19);
        job.securityJson = row.getString(20);
        job.decisions = row.getString(21);
        return job;
    }

    private static JobView.AttemptView attempt(ResultSet row) throws SQLException {
        return new JobView.AttemptView(row.getInt(22), row.getString(23), instant(row, 24), instant(row, 25), instant(row, 26),
                row.getString(27), row.getString(28), row.getString(29), integer(row, 30),
                new JobView.UsageView(number(row, 31), row.getObject(32, Long.class), number(row, 33)));
    }

    private static Instant instant(ResultSet row, int column) throws SQLException {
        OffsetDateTime time = row.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    private static Integer integer(ResultSet row, int column) throws SQLException {
        return row.getObject(column, Integer.class);
    }

    private static Double number(ResultSet row, int column) throws SQLException {
        return row.getObject(column, Double.class);
    }
}
