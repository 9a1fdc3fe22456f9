package dev.berth.engine.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Images unpacked once under a directory: {@code <dir>/<name>/rootfs} holds the root filesystem
 * and {@code <dir>/<name>/digest} its sha256 content digest. Host setup writes the built-in
 * busybox image this way; a reference with tag {@code latest} or no tag names that directory.
 */
public final class DirectoryImageStore implements ImageStore {

    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");
    private static final Pattern SAFE_NAME = Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*");

    private final Path root;

    public DirectoryImageStore(Path root) {
        this.root = root;
    }

    @Override
    public Optional<ResolvedImage> resolve(String reference) {
        String name = reference.endsWith(":latest") ? reference.substring(0, reference.length() - ":latest".length()) : reference;
        if (!SAFE_NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        Path image = root.resolve(name);
        Path rootfs = image.resolve("rootfs");
        Path digestFile = image.resolve("digest");
        if (!Files.isDirectory(rootfs) || !Files.isRegularFile(digestFile)) {
            return Optional.empty();
        }
        try {
            String digest = Files.readString(digestFile).strip();
            if (!DIGEST.matcher(digest).matches()) {
                throw new IllegalStateException("image " + name + " has a corrupt digest file " + digestFile + ": run ./berth up to rebuild it");
            }
            // Runtimes refuse a root reached through a symlink (runc does), so hand them the real path.
            return Optional.of(new ResolvedImage(reference, digest, rootfs.toRealPath()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + digestFile, e);
        }
    }
}
