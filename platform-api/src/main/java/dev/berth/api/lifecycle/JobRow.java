package dev.berth.api.lifecycle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The columns of a job that its transitions and its view read, and a row of them as a (detached)
 * {@link Job}. The request and the plan, the largest columns, are left out: nothing after the
 * claim reads them, and hydrating them for every transition and every read was a fifth of the
 * platform's CPU per job.
 */
public final class JobRow {

    /** The select list, of {@code jobs j}; a statement may add its own columns after {@link #COUNT}. */
    public static final String COLUMNS = "j.id, j.tenant, j.state, j.reason, j.detail, j.exit_code, j.created_at, j.started_at, "
            + "j.finished_at, j.attempts, j.max_attempts, j.not_before, j.cancel_requested_at, j.labels::text, j.image, j.image_digest, "
            + "j.cpu_seconds, j.peak_memory_bytes, j.wall_seconds, j.security_json, j.decisions, j.data_json, j.runner, j.lease_epoch, "
            + "j.log_bytes, j.cpu_millis, j.memory_mib, j.pids, j.logs_deleted_at";
    public static final int COUNT = 29;

    private JobRow() {
    }

    /** The job in the current row, its columns first in the order of {@link #COLUMNS}. */
    public static Job read(ResultSet row) throws SQLException {
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
        job.dataJson = row.getString(22);
        job.runner = row.getString(23);
        job.leaseEpoch = row.getObject(24, Long.class);
        job.logBytes = row.getLong(25);
        job.cpuMillis = row.getInt(26);
        job.memoryMiB = row.getInt(27);
        job.pids = row.getInt(28);
        job.logsDeletedAt = instant(row, 29);
        return job;
    }

    public static Instant instant(ResultSet row, int column) throws SQLException {
        OffsetDateTime time = row.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    public static Integer integer(ResultSet row, int column) throws SQLException {
        return row.getObject(column, Integer.class);
    }

    public static Double number(ResultSet row, int column) throws SQLException {
        return row.getObject(column, Double.class);
    }
}
