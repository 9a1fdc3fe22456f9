package dev.berth.api.jobs;

import dev.berth.api.lifecycle.Job;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Serves one stream of one attempt from a byte offset: what is there now, or, when following,
 * everything the attempt writes until it is over. A client that lost the connection resumes with
 * the number of bytes it already has as the offset.
 */
@ApplicationScoped
public class LogReader {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final int CHUNK = 64 * 1024;

    @Inject
    JobLogs logs;
    @Inject
    JobService jobs;

    /** One attempt's output of a tenant's job. */
    public record AttemptLog(String tenant, UUID job, int attempt) {
    }

    /**
     * The attempt a request means: the one asked for ({@code requested}, the query parameter as
     * sent), or the latest (the first while none ran yet). Another tenant's job answers 404.
     */
    public AttemptLog attempt(String tenant, UUID id, String requested) {
        Job job = jobs.find(tenant, id);
        return new AttemptLog(tenant, id, attempt(job, QueryValues.number("attempt", requested)));
    }

    /** The latest attempt of a job the caller already holds. */
    public AttemptLog latest(Job job) {
        return new AttemptLog(job.tenant, job.id, attempt(job, null));
    }

    private static int attempt(Job job, Long requested) {
        if (job.logsDeletedAt != null) {
            throw new ProblemException(ProblemType.LOGS_EXPIRED, "the logs of job " + job.id + " were removed by retention at " + job.logsDeletedAt);
        }
        int latest = Math.max(job.attempts, 1);
        if (requested == null) {
            return latest;
        }
        if (requested < 1 || requested > latest) {
            throw new ProblemException(ProblemType.INVALID_ATTEMPT, "attempt must be between 1 and " + latest + ", got " + requested);
        }
        return requested.intValue();
    }

    public StreamingOutput read(AttemptLog log, String stream, long offset, boolean follow) {
        if (offset < 0) {
            throw new ProblemException(ProblemType.INVALID_OFFSET, "offset is a byte count from 0, got " + offset);
        }
        Path file = logs.file(log.job(), log.attempt(), stream);
        if (!follow) {
            return out -> copyFrom(file, offset, out);
        }
        return out -> {
            long position = offset;
            BooleanSupplier over = () -> jobs.attemptOver(log.tenant(), log.job(), log.attempt());
            while (true) {
                // Read the state before the bytes: output written before the attempt ended is then never missed.
                boolean ended = over.getAsBoolean();
                position = copyFrom(file, position, out);
                if (ended) {
                    return;
                }
                try {
                    Thread.sleep(POLL);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        };
    }

    /** Copies what the file holds past the position; returns the new position. */
    private static long copyFrom(Path file, long position, OutputStream out) throws IOException {
        if (!Files.isRegularFile(file)) {
            return position;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
            long at = position;
            int read;
            while ((read = channel.read(buffer.clear(), at)) > 0) {
                out.write(buffer.array(), 0, read);
                at += read;
            }
            out.flush();
            return at;
        } catch (NoSuchFileException e) {
            return position;
        }
    }
}
