package dev.berth.api.jobs;

import dev.berth.api.config.BerthConfig;
import dev.berth.api.lifecycle.JobAnnouncements;
import dev.berth.api.lifecycle.JobState;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A job's captured output, and the one writer of {@code job_log_chunks}. The engine writes each
 * stream of an attempt, capped and with its truncation marker, into a staging file on the engine
 * replica's disk; {@link LogShipper} copies it from there into PostgreSQL as it grows, so every
 * replica serves it, API-only ones included. Each attempt keeps its own output, so a retry does
 * not overwrite what a failed attempt printed; it outlives the container until retention removes it.
 *
 * <p>A table of its own rather than the artifacts' {@code data_blobs}: a blob is written once
 * and then addressed by digest, a log grows while it is read and is read from byte offsets.
 */
@ApplicationScoped
public class JobLogs {

    private static final Set<String> STREAMS = Set.of("stdout", "stderr");

    @Inject
    BerthConfig config;
    @Inject
    EntityManager em;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    JobAnnouncements announcements;

    /** Where the engine stages one attempt's output on this replica's disk until it is shipped. */
    public Path directory(UUID jobId, int attempt) {
        return jobDirectory(jobId).resolve(Integer.toString(attempt));
    }

    /** The stream's name, checked: stdout or stderr. */
    public static String stream(String stream) {
        if (!STREAMS.contains(stream)) {
            throw new ProblemException(ProblemType.INVALID_STREAM, "stream must be stdout or stderr, got " + stream);
        }
        return stream;
    }

    /**
     * Stores bytes of a stream from byte offset {@code at} and tells every replica's followers,
     * fenced like every write of an attempt: nothing is stored unless the job is still active in
     * this attempt under this lease epoch and the lease is unexpired.
     *
     * @return whether the bytes were stored
     */
    @Transactional
    public boolean append(UUID jobId, String tenant, int attempt, long epoch, String stream, long at, byte[] data) {
        boolean stored = chunkInsert("FROM jobs j JOIN engine_leases l ON l.epoch = j.lease_epoch "
                        + "WHERE j.id = :id AND j.attempts = :attempt AND j.lease_epoch = :epoch AND l.expires_at > now() "
                        + "AND j.state IN (" + JobState.sql(JobState.ACTIVE) + ")", jobId, attempt, stream, at, data)
                .setParameter("epoch", epoch)
                .executeUpdate() == 1;
        if (stored) {
            announcements.outputAppended(jobId, tenant);
        }
        return stored;
    }

    /**
     * Stores what a replica's previous run staged and never shipped (it crashed, or the output is
     * older than the shared store), once the attempt is over: nothing races with it then.
     *
     * @return whether the bytes were stored
     */
    @Transactional
    public boolean appendLeftover(UUID jobId, int attempt, String stream, long at, byte[] data) {
        return chunkInsert("FROM jobs j WHERE j.id = :id AND (j.attempts > :attempt "
                        + "OR (j.attempts = :attempt AND j.state NOT IN (" + JobState.sql(JobState.ACTIVE) + ")))", jobId, attempt, stream, at, data)
                .executeUpdate() == 1;
    }

    /** A chunk's insert, made only where {@code fromWhere} (over the job as {@code j}) finds the job; a chunk stored before is kept. */
    private Query chunkInsert(String fromWhere, UUID jobId, int attempt, String stream, long at, byte[] data) {
        return em.createNativeQuery("INSERT INTO job_log_chunks (job_id, attempt, stream, at, data) "
                        + "SELECT :id, :attempt, :stream, :at, :data " + fromWhere + " ON CONFLICT DO NOTHING")
                .setParameter("id", jobId)
                .setParameter("attempt", attempt)
                .setParameter("stream", stream(stream))
                .setParameter("at", at)
                .setParameter("data", data);
    }

    /** Up to {@code max} bytes of the stream from byte offset {@code from}; none past its end. */
    public byte[] read(UUID jobId, int attempt, String stream, long from, int max) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement chunks = connection.prepareStatement("SELECT at, data FROM job_log_chunks WHERE job_id = ? AND attempt = ? "
                     + "AND stream = ? AND at + length(data) > ? ORDER BY at")) {
            chunks.setObject(1, jobId);
            chunks.setInt(2, attempt);
            chunks.setString(3, stream(stream));
            chunks.setLong(4, from);
            chunks.setFetchSize(4);
            try (ResultSet rows = chunks.executeQuery()) {
                long position = from;
                while (out.size() < max && rows.next()) {
                    long at = rows.getLong(1);
                    byte[] data = rows.getBytes(2);
                    if (at > position) {
                        break;
                    }
                    int skip = (int) (position - at);
                    int take = Math.min(data.length - skip, max - out.size());
                    out.write(data, skip, take);
                    position += take;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the " + stream + " of job " + jobId + " attempt " + attempt + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** Bytes stored of one stream of one attempt. */
    @Transactional
    public long size(UUID jobId, int attempt, String stream) {
        return ((Number) em.createNativeQuery("SELECT COALESCE(sum(length(data)), 0) FROM job_log_chunks WHERE job_id = :id AND attempt = :attempt "
                        + "AND stream = :stream")
                .setParameter("id", jobId).setParameter("attempt", attempt).setParameter("stream", stream(stream))
                .getSingleResult()).longValue();
    }

    /** Removes every attempt's stored output of the job, in the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void delete(UUID jobId) {
        em.createNativeQuery("DELETE FROM job_log_chunks WHERE job_id = :id").setParameter("id", jobId).executeUpdate();
    }

    /** Removes what the engine staged of one attempt on this replica's disk, once it is shipped and the container is gone. */
    public void deleteStaged(UUID jobId, int attempt) {
        deleteTree(directory(jobId, attempt));
        try {
            Files.deleteIfExists(jobDirectory(jobId));
        } catch (DirectoryNotEmptyException e) {
            // Another attempt of the job is still staged here; the last one to go removes the directory.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + jobDirectory(jobId) + ": check the data directory's permissions", e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the staged output in " + root + ": check the data directory's permissions", e);
        }
    }

    /** Where the engine stages output on this replica's disk. */
    public Path stagingRoot() {
        return config.dataDir().resolve("logs");
    }

    private Path jobDirectory(UUID jobId) {
        return stagingRoot().resolve(jobId.toString());
    }
}
