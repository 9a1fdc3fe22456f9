package dev.berth.engine.image;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Puts a small layer made here through the whole unpack path (gzip, both digests, the read-ahead,
 * the tar reader, every hostile-layer check) a few times, so that the JIT has compiled that path
 * before the first real image arrives. A replica's first unpack otherwise runs as interpreted
 * code: measured in a fresh JVM, the first unpack of a 166 MB layer took about twice as long as
 * the same unpack once warm (docs/benchmarks.md, ./berth bench unpack).
 */
final class UnpackWarmUp {

    private static final int DIRECTORIES = 40;
    private static final int FILES_PER_DIRECTORY = 50;
    private static final int ROUNDS = 4;

    private final byte[] layer;
    private final ImageManifest.Layer described;

    UnpackWarmUp() throws IOException {
        byte[] tar = tar();
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write(tar);
        }
        layer = compressed.toByteArray();
        described = new ImageManifest.Layer(Digests.of(OciLayout.sha256().digest(layer)), layer.length,
                "application/vnd.oci.image.layer.v1.tar+gzip", Digests.of(OciLayout.sha256().digest(tar)));
    }

    /** Unpacks the layer {@link #ROUNDS} times under {@code scratch}, removing each tree; answers the bytes unpacked. */
    long run(Path scratch) throws IOException {
        long bytes = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Path root = Files.createDirectory(scratch.resolve("round-" + round));
            try (VerifyingInputStream stored = new VerifyingInputStream(new ByteArrayInputStream(layer), described.digest())) {
                bytes += UnpackedImages.applyVerified(stored, described, root, Long.MAX_VALUE);
            } finally {
                FileTrees.remove(root);
            }
        }
        return bytes;
    }

    /** Directories of small files, some symlinks among them, with text-like content gzip has real work on. */
    private static byte[] tar() throws IOException {
        Random random = new Random(18);
        byte[] words = "the quick brown fox jumps over a lazy dog while python perl and java libraries load\n".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (int d = 0; d < DIRECTORIES; d++) {
                String directory = "usr/lib/warm-up/d" + d + "/";
                tar.putArchiveEntry(new TarArchiveEntry(directory));
                tar.closeArchiveEntry();
                for (int f = 0; f < FILES_PER_DIRECTORY; f++) {
                    byte[] content = new byte[1024 + random.nextInt(16 * 1024)];
                    for (int i = 0; i < content.length; i++) {
                        content[i] = random.nextInt(8) == 0 ? (byte) random.nextInt(256) : words[(i + f) % words.length];
                    }
                    TarArchiveEntry file = new TarArchiveEntry(directory + "f" + f + ".py");
                    file.setSize(content.length);
                    file.setMode(0644);
                    tar.putArchiveEntry(file);
                    tar.write(content);
                    tar.closeArchiveEntry();
                }
                TarArchiveEntry link = new TarArchiveEntry(directory + "latest", TarArchiveEntry.LF_SYMLINK);
                link.setLinkName("f0.py");
                tar.putArchiveEntry(link);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }
}
