package dev.berth.api.jobs;

import dev.berth.api.config.BerthConfig;
import dev.berth.api.problems.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;

/** Where a job's captured output lives; it outlives the container. */
@ApplicationScoped
public class JobLogs {

    private static final Set<String> STREAMS = Set.of("stdout", "stderr");

    @Inject
    BerthConfig config;

    public Path directory(UUID jobId) {
        return config.dataDir().resolve("logs").resolve(jobId.toString());
    }

    /** The file of one stream; empty until the job writes to it. */
    public Path file(UUID jobId, String stream) {
        if (!STREAMS.contains(stream)) {
            throw new ProblemException(400, "invalid-stream", "Unknown log stream", "stream must be stdout or stderr, got " + stream);
        }
        return directory(jobId).resolve(stream + ".log");
    }

    public boolean exists(Path file) {
        return Files.isRegularFile(file);
    }
}
