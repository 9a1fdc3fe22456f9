package dev.berth.engine.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Which stored manifest a registry's digest became: skopeo converts a Docker manifest to OCI on
 * its way into the store, so the digest a job was pinned to (the registry's) can differ from the
 * store's. One small file per registry digest, {@code <dir>/<hex>}, holding the stored digest.
 */
final class SourceDigests {

    private final Path dir;

    SourceDigests(Path dir) {
        this.dir = dir;
    }

    void record(String sourceDigest, String storedDigest) throws IOException {
        if (sourceDigest.equals(storedDigest)) {
            return;
        }
        Path temporary = Files.createTempFile(dir, ".source-", ".tmp");
        Files.writeString(temporary, storedDigest);
        Files.move(temporary, dir.resolve(Digests.hex(sourceDigest)), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    Optional<String> storedDigest(String sourceDigest) {
        Path file = dir.resolve(Digests.hex(sourceDigest));
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file).strip()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": make the image store readable by the service user", e);
        }
    }

    /** Drops the entries whose stored image is gone, after a collection. */
    void forgetMissing(Function<String, Optional<Path>> unpacked) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.filter(path -> !path.getFileName().toString().startsWith(".")).toList()) {
                if (unpacked.apply(Files.readString(entry).strip()).isEmpty()) {
                    Files.deleteIfExists(entry);
                }
            }
        }
    }
}
