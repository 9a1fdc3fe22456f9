package dev.berth.engine;

import dev.berth.engine.image.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * The image directory engine tests use: the host's built-in busybox image, and "probe", the same
 * busybox with the static escape probe (built from src/test/c by the Maven build) at /probe.
 */
final class TestImages {

    static final String PROBE_IMAGE = "probe";
    static final String PROBE = "/probe/escape-probe";
    private static final Path PROBE_BINARY = Path.of("target", "test-classes", "probe", "escape-probe").toAbsolutePath();
    private static final Path HOST_IMAGES = Path.of("/var/lib/berth/images");
    private static Path directory;

    private TestImages() {
    }

    static synchronized Path directory() {
        if (directory == null) {
            try {
                directory = build(Path.of("target", "test-images").toAbsolutePath());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot build the test images: " + e.getMessage(), e);
            }
        }
        return directory;
    }

    private static Path build(Path dir) throws IOException {
        Path busybox = HOST_IMAGES.resolve("busybox");
        if (!Files.isDirectory(busybox.resolve("rootfs"))) {
            throw new IllegalStateException(busybox + " is missing: prepare the host with scripts/host-setup.sh as root (./berth test does it)");
        }
        Path probeBinary = probeBinary();
        FileTrees.remove(dir);
        Files.createDirectories(dir);
        Files.createSymbolicLink(dir.resolve("busybox"), busybox);
        Path probe = dir.resolve(PROBE_IMAGE);
        copyTree(busybox.resolve("rootfs"), probe.resolve("rootfs"));
        Path target = probe.resolve("rootfs" + PROBE);
        Files.createDirectories(target.getParent());
        Files.copy(probeBinary, target);
        Files.writeString(probe.resolve("digest"), "sha256:" + sha256(Files.readAllBytes(target)) + "\n");
        return dir;
    }

    /** The probe as the Maven build left it: copied into the probe image, and run on the host itself by HostProperties. */
    static Path probeBinary() {
        if (!Files.isExecutable(PROBE_BINARY)) {
            throw new IllegalStateException(PROBE_BINARY + " is missing: run the tests through Maven, which builds it with gcc -static");
        }
        return PROBE_BINARY;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path copy = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(copy);
                    Files.setPosixFilePermissions(copy, Files.getPosixFilePermissions(source));
                } else {
                    Files.copy(source, copy, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
