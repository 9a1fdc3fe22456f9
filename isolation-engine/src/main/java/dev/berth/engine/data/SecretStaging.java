package dev.berth.engine.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Secret values on their way into a job: written to a private directory on a memory-backed file
 * system of the host, read from there by the job's secrets hook into the job's own tmpfs, and
 * removed as soon as the start gate has decided. They never touch a disk.
 */
public final class SecretStaging implements AutoCloseable {

    /** The host's shared-memory tmpfs, present on every Linux host the engine supports. */
    public static final Path MEMORY_DIR = Path.of("/dev/shm");

    private final Path dir;

    private SecretStaging(Path dir) {
        this.dir = dir;
    }

    /** Where the values of the container's secrets are staged. */
    public static Path dirFor(String containerId) {
        return MEMORY_DIR.resolve(containerId + "-secrets");
    }

    /**
     * Writes every value under a directory named after the container, readable by the service user
     * alone; the job's secrets hook removes each value once it is copied, {@link #close} the rest.
     */
    public static SecretStaging write(String containerId, Map<String, byte[]> secrets) throws IOException {
        if (secrets.isEmpty()) {
            return new SecretStaging(null);
        }
        String type = Files.getFileStore(MEMORY_DIR).type();
        if (!type.equals("tmpfs")) {
            throw new IOException(MEMORY_DIR + " is a " + type + " file system, not tmpfs: secrets are staged in memory only;"
                    + " mount a tmpfs there (Debian and every systemd host have one at /dev/shm)");
        }
        Path dir = Files.createDirectory(dirFor(containerId),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        SecretStaging staging = new SecretStaging(dir);
        try {
            for (Map.Entry<String, byte[]> secret : secrets.entrySet()) {
                Path file = Files.createFile(dir.resolve(secret.getKey()),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(file, secret.getValue(), StandardOpenOption.TRUNCATE_EXISTING);
            }
        } catch (IOException e) {
            staging.close();
            throw e;
        }
        return staging;
    }

    /** Removes what the hook left of the staged values; idempotent. */
    @Override
    public void close() {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot remove staged secrets under " + dir, e);
        }
    }
}
