package dev.berth.api.jobs;

import dev.berth.api.config.BerthConfig;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Where a job's captured output lives: one directory per attempt under the data directory, so a
 * retry does not overwrite what the failed attempt printed. It outlives the container until
 * retention removes it.
 */
@ApplicationScoped
public class JobLogs {

    private static final Set<String> STREAMS = Set.of("stdout", "stderr");

    @Inject
    BerthConfig config;

    public Path directory(UUID jobId, int attempt) {
        return jobDirectory(jobId).resolve(Integer.toString(attempt));
    }

    /** The file of one stream of one attempt; absent until the attempt writes to it. */
    public Path file(UUID jobId, int attempt, String stream) {
        if (!STREAMS.contains(stream)) {
            throw new ProblemException(ProblemType.INVALID_STREAM, "stream must be stdout or stderr, got " + stream);
        }
        return directory(jobId, attempt).resolve(stream + ".log");
    }

    /** Bytes one attempt's output takes on disk. */
    public long bytes(UUID jobId, int attempt) {
        long total = 0;
        for (String stream : STREAMS) {
            Path file = directory(jobId, attempt).resolve(stream + ".log");
            try {
                total += Files.isRegularFile(file) ? Files.size(file) : 0;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot measure " + file, e);
            }
        }
        return total;
    }

    /** Removes every attempt's output of the job. */
    public void delete(UUID jobId) {
        Path root = jobDirectory(jobId);
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the logs in " + root + ": check the data directory's permissions", e);
        }
    }

    private Path jobDirectory(UUID jobId) {
        return config.dataDir().resolve("logs").resolve(jobId.toString());
    }
}
