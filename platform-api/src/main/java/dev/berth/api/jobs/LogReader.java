package dev.berth.api.jobs;

import dev.berth.api.lifecycle.Job;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves one stream of one attempt from a byte offset: what is there now, or, when following,
 * everything the attempt writes until it is over. A client that lost the connection resumes with
 * the number of bytes it already has as the offset.
 */
@ApplicationScoped
public class LogReader {

    private static final int READ_BYTES = 1024 * 1024;

    @Inject
    JobLogs logs;
    @Inject
    JobService jobs;
    @Inject
    LogFollowers followers;

    /** Each read of the store runs on a virtual thread of its own, which ends with the read. */
    private final ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();

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

    /**
     * One stream of the attempt from a byte offset, as it is stored in the shared log store: what
     * is there now, or, when following, everything the attempt writes until it is over. Demand
     * driven: the next read runs when the client has taken the previous bytes, and a follower
     * waiting for output holds no thread (see {@link LogFollowers}).
     */
    public Multi<byte[]> stream(AttemptLog log, String stream, long offset, boolean follow) {
        if (offset < 0) {
            throw new ProblemException(ProblemType.INVALID_OFFSET, "offset is a byte count from 0, got " + offset);
        }
        JobLogs.stream(stream);
        AtomicLong position = new AtomicLong(offset);
        return Multi.createBy().repeating()
                .completionStage(() -> next(log, stream, position, follow))
                .until(bytes -> bytes.length == 0);
    }

    /** The same for a blocking writer (the console's tail, clients that want an {@code OutputStream}). */
    public StreamingOutput read(AttemptLog log, String stream, long offset, boolean follow) {
        Multi<byte[]> bytes = stream(log, stream, offset, follow);
        return out -> {
            for (byte[] chunk : bytes.subscribe().asIterable()) {
                out.write(chunk);
                out.flush();
            }
        };
    }

    /** The next bytes past the position; empty once there are none and no more will come. */
    private CompletableFuture<byte[]> next(AttemptLog log, String stream, AtomicLong position, boolean follow) {
        CompletableFuture<byte[]> next = new CompletableFuture<>();
        poll(log, stream, position, follow, next);
        return next;
    }

    private void poll(AttemptLog log, String stream, AtomicLong position, boolean follow, CompletableFuture<byte[]> next) {
        readers.execute(() -> {
            try {
                CompletableFuture<Void> signal = follow ? followers.next(log.job()) : null;
                // Read the state before the bytes: output written before the attempt ended is then never missed.
                boolean over = !follow || QuarkusTransaction.requiringNew().call(() -> jobs.attemptOver(log.tenant(), log.job(), log.attempt()));
                byte[] bytes = logs.read(log.job(), log.attempt(), stream, position.get(), READ_BYTES);
                if (bytes.length > 0 || over) {
                    if (signal != null) {
                        signal.cancel(false);
                    }
                    position.addAndGet(bytes.length);
                    next.complete(bytes);
                    return;
                }
                signal.whenComplete((ignored, failure) -> poll(log, stream, position, follow, next));
            } catch (RuntimeException e) {
                next.completeExceptionally(e);
            }
        });
    }
}
