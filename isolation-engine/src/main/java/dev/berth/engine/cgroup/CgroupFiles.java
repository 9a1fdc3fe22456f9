package dev.berth.engine.cgroup;

import dev.berth.engine.EnforcementException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/** Reads and writes cgroup control files, turning failures into actionable messages. */
final class CgroupFiles {

    private static final int BUSY_RETRIES = 100;
    private static final long BUSY_RETRY_MILLIS = 10;

    private CgroupFiles() {
    }

    static void write(Path file, String value) {
        try {
            Files.writeString(file, value, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new EnforcementException("cannot write " + value + " to " + file + " (" + e.getMessage()
                    + "): is the cgroup delegated to the service user? run ./berth up once as root", e);
        }
    }

    static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file).strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Adds a problem when the kernel's value in {@code file} is not {@code expected}. */
    static void expect(List<String> problems, Path file, String expected) {
        String actual = read(file).orElse("missing");
        if (!actual.equals(expected)) {
            problems.add(file + " is " + actual + ", expected " + expected);
        }
    }

    static long readLong(Path file) {
        return read(file).map(Long::parseLong).orElse(0L);
    }

    /** The value of {@code key} in a flat-keyed file such as {@code memory.events} or {@code cpu.stat}. */
    static long readKey(Path file, String key) {
        return read(file).flatMap(text -> text.lines()
                        .map(line -> line.split("\\s+"))
                        .filter(parts -> parts.length == 2 && parts[0].equals(key))
                        .map(parts -> Long.parseLong(parts[1]))
                        .findFirst())
                .orElse(0L);
    }

    static void mkdir(Path dir) {
        try {
            Files.createDirectory(dir);
        } catch (IOException e) {
            throw new EnforcementException("cannot create cgroup " + dir + " (" + e + "): run ./berth up once as root to delegate "
                    + dir.getParent() + " to the service user", e);
        }
    }

    /** Removes a cgroup directory tree bottom-up; cgroupfs only allows rmdir on empty cgroups. */
    /**
     * Removes an emptied cgroup. Killed processes leave it a moment after SIGKILL, and until then
     * the kernel answers EBUSY, so that answer is retried for up to a second.
     */
    private static void deleteWhenEmpty(Path dir) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (FileSystemException e) {
                if (attempt == BUSY_RETRIES || e.getReason() == null || !e.getReason().contains("busy")) {
                    throw e;
                }
                try {
                    Thread.sleep(BUSY_RETRY_MILLIS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Whether a directory walk failed only because part of the tree was removed while it ran. */
    static boolean vanished(UncheckedIOException e) {
        return e.getCause() instanceof NoSuchFileException;
    }

    static void removeTree(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var children = Files.list(dir)) {
            children.filter(Files::isDirectory).forEach(CgroupFiles::removeTree);
        } catch (NoSuchFileException gone) {
            // Removed meanwhile by the runtime or another clean-up: the goal is reached.
        } catch (UncheckedIOException e) {
            if (!vanished(e)) {
                throw new EnforcementException("cannot list cgroup " + dir + ": " + e.getMessage(), e);
            }
        } catch (IOException e) {
            throw new EnforcementException("cannot list cgroup " + dir + ": " + e.getMessage(), e);
        }
        try {
            deleteWhenEmpty(dir);
        } catch (IOException e) {
            throw new EnforcementException("cannot remove cgroup " + dir + " (" + e + "); processes may still run in it", e);
        }
    }
}
