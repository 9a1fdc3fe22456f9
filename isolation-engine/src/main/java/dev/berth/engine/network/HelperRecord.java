package dev.berth.engine.network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The network helpers (pasta, the resolver) of one job, written to its bundle as each starts: a
 * pid and the kernel's start time of that pid. The helpers live outside the job's cgroup, so when
 * the engine that started them dies (SIGKILL, a crash) nothing else ends them; the next engine on
 * the same work directory reads the record and stops them with their children. The start time
 * tells a helper from an unrelated process that was given the same pid later.
 */
public final class HelperRecord {

    static final String FILE = "network-helpers";
    private static final Duration EXIT_LIMIT = Duration.ofSeconds(5);
    /** Field 22 of /proc/PID/stat, counted from field 3, the first after the command's closing parenthesis. */
    private static final int START_TIME_AFTER_COMMAND = 19;

    private final Path file;

    HelperRecord(Path bundle) {
        this.file = bundle.resolve(FILE);
    }

    /** Appends {@code helper}; a helper whose start time cannot be read has already exited and needs no record. */
    void add(Process helper) throws IOException {
        Optional<String> started = startTime(helper.pid());
        if (started.isPresent()) {
            Files.writeString(file, helper.pid() + " " + started.get() + "\n", StandardCharsets.US_ASCII,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    /**
     * Kills (SIGKILL) every helper recorded in {@code bundle} that still runs, and the processes it
     * started, and waits for them to exit.
     *
     * @return the pids of the recorded helpers that were still running
     */
    public static List<Long> stopLeftovers(Path bundle) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(bundle.resolve(FILE), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<Long> stopped = new ArrayList<>();
        List<ProcessHandle> killed = new ArrayList<>();
        for (String line : lines) {
            String[] fields = line.strip().split(" ");
            if (fields.length != 2) {
                continue;
            }
            long pid = Long.parseLong(fields[0]);
            Optional<ProcessHandle> helper = ProcessHandle.of(pid).filter(running -> startTime(pid).equals(Optional.of(fields[1])));
            if (helper.isPresent()) {
                // Its children first collected, then it killed first, so that it cannot start another meanwhile.
                List<ProcessHandle> children = helper.get().descendants().toList();
                helper.get().destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
                killed.add(helper.get());
                killed.addAll(children);
                stopped.add(pid);
            }
        }
        for (ProcessHandle process : killed) {
            try {
                process.onExit().get(EXIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for network helper " + process.pid() + " to exit", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("network helper " + process.pid() + " left by an earlier engine did not exit within " + EXIT_LIMIT.toSeconds()
                        + " s of SIGKILL: " + e.getMessage(), e);
            }
        }
        return List.copyOf(stopped);
    }

    /** The kernel's start time of {@code pid} in clock ticks since boot; empty when no such process runs. */
    static Optional<String> startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(fields[START_TIME_AFTER_COMMAND]);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
