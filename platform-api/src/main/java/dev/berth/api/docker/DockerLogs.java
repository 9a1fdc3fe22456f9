package dev.berth.api.docker;

import dev.berth.api.jobs.LogReader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A container's output in Docker's frames, read through Berth's log service (never from its
 * files): {@code docker logs} and the output half of {@code docker attach}. Following reads both
 * streams at once, each on a thread of its own, until the job's attempt can write no more.
 */
@ApplicationScoped
public class DockerLogs {

    private static final Duration POLL = Duration.ofMillis(100);

    @Inject
    LogReader reader;
    @Inject
    DockerContainers containers;

    public StreamingOutput stream(DockerService.Shown shown, boolean stdout, boolean stderr, boolean follow) {
        return out -> {
            if (shown.container().jobId != null) {
                copy(shown.container().tenant, shown.container().jobId, stdout, stderr, follow, out);
            }
        };
    }

    /**
     * Attach: waits for the container to be started (Docker's CLI attaches before it starts), then
     * follows its output to the end. Returns at once if the container is removed unstarted.
     */
    public void attach(DockerContainer container, boolean stdout, boolean stderr, OutputStream out) throws IOException {
        UUID job = container.jobId;
        while (job == null) {
            var now = containers.reread(container);
            if (now.isEmpty()) {
                return;
            }
            job = now.get().jobId;
            if (job == null) {
                try {
                    Thread.sleep(POLL);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        copy(container.tenant, job, stdout, stderr, true, out);
    }

    private void copy(String tenant, UUID job, boolean stdout, boolean stderr, boolean follow, OutputStream out) throws IOException {
        LogReader.AttemptLog log = reader.attempt(tenant, job, null);
        List<StreamingOutput> streams = new ArrayList<>();
        if (stdout) {
            streams.add(framed(reader.read(log, "stdout", 0, follow), DockerFrames.STDOUT));
        }
        if (stderr) {
            streams.add(framed(reader.read(log, "stderr", 0, follow), DockerFrames.STDERR));
        }
        if (!follow) {
            for (StreamingOutput stream : streams) {
                stream.write(out);
            }
            return;
        }
        List<IOException> failures = new ArrayList<>();
        List<Thread> readers = streams.stream().map(stream -> Thread.ofVirtual().name("docker-logs").start(() -> {
            try {
                stream.write(out);
            } catch (IOException e) {
                synchronized (failures) {
                    failures.add(e);
                }
            }
        })).toList();
        try {
            for (Thread thread : readers) {
                thread.join();
            }
        } catch (InterruptedException e) {
            readers.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
            return;
        }
        synchronized (failures) {
            if (!failures.isEmpty()) {
                throw failures.getFirst();
            }
        }
    }

    private static StreamingOutput framed(StreamingOutput source, byte stream) {
        return out -> source.write(new DockerFrames(out, stream));
    }
}
