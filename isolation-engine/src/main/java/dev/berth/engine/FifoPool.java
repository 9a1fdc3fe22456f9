package dev.berth.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * Named pipes for the start gate, made ahead in batches. The JDK cannot make a FIFO, and spawning
 * mkfifo costs a few milliseconds, too much to pay on every job start; one spawn makes a batch,
 * and each job moves two of them into its private bundle directory.
 */
final class FifoPool {

    static final int BATCH = 32;

    private final Path dir;
    private final Deque<Path> ready = new ArrayDeque<>();
    private long made;

    /** A pool in {@code dir}, emptied of whatever a previous engine left there. */
    FifoPool(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        try (Stream<Path> stale = Files.list(dir)) {
            for (Path fifo : stale.toList()) {
                Files.delete(fifo);
            }
        }
    }

    /** Moves a fresh FIFO (mode 600, owned by the service user) to {@code destination}. */
    synchronized void take(Path destination) throws IOException {
        if (ready.isEmpty()) {
            refill();
        }
        Files.move(ready.pop(), destination, StandardCopyOption.ATOMIC_MOVE);
    }

    private void refill() throws IOException {
        List<String> command = new ArrayList<>(List.of("mkfifo", "-m", "600"));
        List<Path> batch = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            Path fifo = dir.resolve("fifo-" + made++);
            batch.add(fifo);
            command.add(fifo.toString());
        }
        Process mkfifo = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (mkfifo.waitFor() != 0) {
                throw new IOException("mkfifo failed in " + dir + ": " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making start-gate FIFOs", e);
        }
        ready.addAll(batch);
    }
}
