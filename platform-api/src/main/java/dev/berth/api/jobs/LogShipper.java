package dev.berth.api.jobs;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Copies the output the engine stages on this replica's disk into the shared log store while the
 * attempt runs (every {@value #INTERVAL_MILLIS} ms, a chunk of at most {@value #CHUNK} bytes per
 * transaction) and completely once it ends, before its end is recorded: a client that sees a job
 * final finds all its output on any replica. One thread ships for every job this replica runs.
 */
@ApplicationScoped
public class LogShipper {

    private static final Logger LOG = Logger.getLogger(LogShipper.class);
    static final int CHUNK = 256 * 1024;
    private static final long INTERVAL_MILLIS = 200;
    private static final List<String> STREAMS = List.of("stdout", "stderr");

    @Inject
    JobLogs logs;

    /** One attempt being shipped: how far each stream is stored, and whether the fence refused it. */
    private static final class Shipment {
        final UUID job;
        final String tenant;
        final int attempt;
        final long epoch;
        final Map<String, Long> shipped = new HashMap<>();
        boolean fenced;

        Shipment(UUID job, String tenant, int attempt, long epoch) {
            this.job = job;
            this.tenant = tenant;
            this.attempt = attempt;
            this.epoch = epoch;
        }
    }

    private final Map<UUID, Shipment> shipments = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;

    /** Ships the attempt's output from now on; the engine stages it under {@link JobLogs#directory}. */
    public synchronized void track(UUID job, String tenant, int attempt, long epoch) {
        shipments.put(job, new Shipment(job, tenant, attempt, epoch));
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("berth-log-shipper").factory());
            timer.scheduleWithFixedDelay(this::shipAll, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Ships what is left of the attempt's output, which the engine has finished writing, and stops
     * tracking it.
     *
     * @return the bytes stored of the attempt, both streams
     */
    public long finish(UUID job) throws IOException {
        Shipment shipment = shipments.get(job);
        if (shipment == null) {
            return 0;
        }
        try {
            synchronized (shipment) {
                ship(shipment);
                return shipment.shipped.values().stream().mapToLong(Long::longValue).sum();
            }
        } finally {
            shipments.remove(job);
        }
    }

    /**
     * Stores what this replica's previous run staged and never shipped (it was killed while jobs
     * ran, or ran before logs were shared), then removes it from the disk. Runs at start, after
     * the attempts of the previous run were ended, before anything new is staged.
     *
     * @return how many attempts' output was taken in
     */
    public int adoptLeftovers() throws IOException {
        Path root = logs.stagingRoot();
        if (!Files.isDirectory(root)) {
            return 0;
        }
        int adopted = 0;
        try (Stream<Path> jobs = Files.list(root)) {
            for (Path jobDir : jobs.toList()) {
                UUID job = UUID.fromString(jobDir.getFileName().toString());
                try (Stream<Path> attempts = Files.list(jobDir)) {
                    for (Path attemptDir : attempts.toList()) {
                        int attempt = Integer.parseInt(attemptDir.getFileName().toString());
                        adoptLeftover(job, attempt);
                        logs.deleteStaged(job, attempt);
                        adopted++;
                    }
                }
            }
        }
        return adopted;
    }

    private void adoptLeftover(UUID job, int attempt) throws IOException {
        for (String stream : STREAMS) {
            Path file = logs.directory(job, attempt).resolve(stream + ".log");
            long at = logs.size(job, attempt, stream);
            byte[] chunk;
            while ((chunk = read(file, at)).length > 0 && logs.appendLeftover(job, attempt, stream, at, chunk)) {
                at += chunk.length;
            }
        }
    }

    private void shipAll() {
        for (Shipment shipment : shipments.values()) {
            try {
                synchronized (shipment) {
                    ship(shipment);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warnf("cannot ship the output of job %s attempt %d yet (%s); trying again", shipment.job, shipment.attempt, e.getMessage());
            }
        }
    }

    private void ship(Shipment shipment) throws IOException {
        for (String stream : STREAMS) {
            Path file = logs.directory(shipment.job, shipment.attempt).resolve(stream + ".log");
            long at = shipment.shipped.getOrDefault(stream, 0L);
            byte[] chunk;
            while (!shipment.fenced && (chunk = read(file, at)).length > 0) {
                if (!logs.append(shipment.job, shipment.tenant, shipment.attempt, shipment.epoch, stream, at, chunk)) {
                    // The attempt is no longer this replica's (its lease was lost): nothing more of it is stored.
                    shipment.fenced = true;
                    LOG.warnf("the output of job %s attempt %d is no longer stored: its lease epoch %d was fenced off",
                            shipment.job, shipment.attempt, shipment.epoch);
                    return;
                }
                at += chunk.length;
                shipment.shipped.put(stream, at);
            }
        }
    }

    private static byte[] read(Path file, long at) throws IOException {
        if (!Files.isRegularFile(file)) {
            return new byte[0];
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
            int read;
            do {
                read = channel.read(buffer, at + buffer.position());
            } while (read > 0 && buffer.hasRemaining());
            return Arrays.copyOf(buffer.array(), buffer.position());
        } catch (NoSuchFileException e) {
            return new byte[0];
        }
    }
}
