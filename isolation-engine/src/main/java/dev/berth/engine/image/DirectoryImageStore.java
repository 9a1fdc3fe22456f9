package dev.berth.engine.image;

import dev.berth.policy.ImageReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Images unpacked once under a directory: {@code <dir>/<name>/rootfs} holds the root filesystem
 * and {@code <dir>/<name>/digest} its sha256 content digest. Host setup writes the built-in
 * busybox image this way; a reference with tag {@code latest} or no tag names that directory, and
 * a reference with a digest must name this image's digest.
 */
public final class DirectoryImageStore implements ImageStore {

    private static final Pattern SAFE_NAME = Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*");

    private final Path root;

    public DirectoryImageStore(Path root) {
        this.root = root;
    }

    @Override
    public Optional<ResolvedImage> resolve(String reference) {
        Optional<ImageReference> parsed = ImageReference.parse(reference);
        if (parsed.isEmpty() || (parsed.get().tag() != null && !parsed.get().tag().equals("latest"))
                || !SAFE_NAME.matcher(parsed.get().repository()).matches()) {
            return Optional.empty();
        }
        return read(parsed.get().repository())
                .filter(image -> parsed.get().digest() == null || parsed.get().digest().equals(image.digest()))
                .map(image -> new ResolvedImage(reference, image.digest(), image.rootfs()));
    }

    @Override
    public List<BuiltInImage> builtIn() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<BuiltInImage> images = new ArrayList<>();
        try (Stream<Path> names = Files.list(root)) {
            for (Path dir : names.sorted().toList()) {
                String name = dir.getFileName().toString();
                if (SAFE_NAME.matcher(name).matches()) {
                    read(name).ifPresent(image -> images.add(new BuiltInImage(name, image.digest())));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the built-in images in " + root, e);
        }
        return images;
    }

    private Optional<ResolvedImage> read(String name) {
        Path image = root.resolve(name);
        Path rootfs = image.resolve("rootfs");
        Path digestFile = image.resolve("digest");
        if (!Files.isDirectory(rootfs) || !Files.isRegularFile(digestFile)) {
            return Optional.empty();
        }
        try {
            String digest = Files.readString(digestFile).strip();
            if (!ImageReference.isDigest(digest)) {
                throw new IllegalStateException("image " + name + " has a corrupt digest file " + digestFile + ": run ./berth up to rebuild it");
            }
            // Runtimes refuse a root reached through a symlink (runc does), so hand them the real path.
            return Optional.of(new ResolvedImage(name, digest, rootfs.toRealPath()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + digestFile, e);
        }
    }
}
