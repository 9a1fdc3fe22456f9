package dev.berth.api.jobs;

import dev.berth.api.lifecycle.Job;
import dev.berth.api.lifecycle.JobRow;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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

    private static final String SELECT = "SELECT " + JobRow.COLUMNS + ", "
            + "a.attempt, a.runner, a.claimed_at, a.started_at, a.finished_at, a.outcome, a.reason, a.detail, a.exit_code, "
            + "a.cpu_seconds, a.peak_memory_bytes, a.wall_seconds "
            + "FROM jobs j LEFT JOIN job_attempts a ON a.job_id = j.id WHERE j.id = ? AND j.tenant = ? ORDER BY a.attempt";
    private static final int ATTEMPT = JobRow.COUNT + 1;

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
                Job job = JobRow.read(rows);
                List<JobView.AttemptView> history = new ArrayList<>();
                do {
                    if (rows.getObject(ATTEMPT) != null) {
                        history.add(attempt(rows));
                    }
                } while (rows.next());
                return Optional.of(views.withHistory(job, history));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read job " + id + ": " + e.getMessage(), e);
        }
    }

    private static JobView.AttemptView attempt(ResultSet row) throws SQLException {
        int a = ATTEMPT;
        return new JobView.AttemptView(row.getInt(a), row.getString(a + 1), JobRow.instant(row, a + 2), JobRow.instant(row, a + 3), JobRow.instant(row, a + 4),
                row.getString(a + 5), row.getString(a + 6), row.getString(a + 7), JobRow.integer(row, a + 8),
                new JobView.UsageView(JobRow.number(row, a + 9), row.getObject(a + 10, Long.class), JobRow.number(row, a + 11)));
    }
}
