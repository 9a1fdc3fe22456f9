package dev.berth.engine.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * One unpacked root filesystem per image manifest digest, {@code <dir>/<hex>}, shared read-only
 * by every job of that image. A tree appears under its final name only once every layer was
 * applied and every blob matched its digest, so a half-unpacked image is never run.
 */
public final class UnpackedImages {

    /** Where every job gets a mount of its own: proc, the /dev tmpfs, sysfs and the /tmp scratch. */
    private static final List<String> RUNTIME_MOUNT_POINTS = List.of("proc", "dev", "sys", "tmp");

    private static final String GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final String TAR = "application/vnd.oci.image.layer.v1.tar";
    private static final String TEMPORARY = ".unpacking-";
    private static final long MAX_TRAILING_BYTES = 1024 * 1024;

    private final Path dir;
    private final OciLayout layout;
    private final ObjectMapper mapper;
    private final long maxImageBytes;

    UnpackedImages(Path dir, OciLayout layout, ObjectMapper mapper, long maxImageBytes) throws IOException {
        this.dir = Files.createDirectories(dir).toRealPath();
        this.layout = layout;
        this.mapper = mapper;
        this.maxImageBytes = maxImageBytes;
        try (Stream<Path> leftovers = Files.list(dir)) {
            // A process killed mid-unpack leaves its temporary tree; nobody else can finish it.
            for (Path leftover : leftovers.filter(p -> p.getFileName().toString().startsWith(TEMPORARY)).toList()) {
                FileTrees.remove(leftover);
            }
        }
    }

    public Optional<Path> find(String manifestDigest) {
        Path rootfs = dir.resolve(Digests.hex(manifestDigest));
        return Files.isDirectory(rootfs) ? Optional.of(rootfs) : Optional.empty();
    }

    /**
     * Where a layer the store lacks comes from: a registry's blob, unpacked as it downloads and
     * stored as it passes.
     */
    interface LayerSource {
        InputStream open(ImageManifest.Layer layer) throws IOException;
    }

    /** The root filesystem of the stored image, unpacked now unless it already was. */
    Path unpack(ImageManifest manifest) throws IOException {
        return unpack(manifest, layer -> {
            throw new IOException("layer " + layer.digest() + " of " + manifest.digest() + " is missing from the store at "
                    + layout.path(layer.digest()) + ": pull the image again");
        });
    }

    /** As {@link #unpack(ImageManifest)}, taking each layer the store lacks from {@code missing}. */
    Path unpack(ImageManifest manifest, LayerSource missing) throws IOException {
        Path rootfs = dir.resolve(Digests.hex(manifest.digest()));
        if (Files.isDirectory(rootfs)) {
            Files.setLastModifiedTime(rootfs, FileTime.from(Instant.now()));
            return rootfs;
        }
        Path temporary = dir.resolve(TEMPORARY + Digests.hex(manifest.digest()) + "-" + UUID.randomUUID());
        try {
            Files.createDirectory(temporary);
            long bytes = 0;
            for (ImageManifest.Layer layer : manifest.layers()) {
                long budget = maxImageBytes - bytes;
                bytes += layout.has(layer.digest()) ? apply(layer, temporary, budget) : applyStreamed(layer, missing, temporary, budget);
            }
            addMountPoints(temporary);
            Files.move(temporary, rootfs, StandardCopyOption.ATOMIC_MOVE);
            return rootfs;
        } finally {
            FileTrees.remove(temporary);
        }
    }

    /**
     * The runtime makes a mount point the image lacks inside the image directory itself, which
     * every job on the image shares; two jobs starting at once then race on the same mkdir and one
     * fails ("cannot mkdir `sys`: File exists"). An image is therefore complete with the mount
     * points of every job's fixed mounts before it becomes visible. An entry the image has under
     * such a name, whatever it is, is left as it is: the runtime judges it.
     */
    private static void addMountPoints(Path tree) throws IOException {
        for (String point : RUNTIME_MOUNT_POINTS) {
            Path path = tree.resolve(point);
            if (Files.notExists(path, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(path);
            }
        }
    }

    Set<String> digests() throws IOException {
        Set<String> digests = new TreeSet<>();
        try (Stream<Path> trees = Files.list(dir)) {
            trees.map(tree -> tree.getFileName().toString()).filter(name -> !name.startsWith(TEMPORARY))
                    .map(hex -> "sha256:" + hex).forEach(digests::add);
        }
        return digests;
    }

    Instant unpackedAt(String manifestDigest) throws IOException {
        return Files.getLastModifiedTime(dir.resolve(Digests.hex(manifestDigest))).toInstant();
    }

    void remove(String manifestDigest) throws IOException {
        FileTrees.remove(dir.resolve(Digests.hex(manifestDigest)));
    }

    private long apply(ImageManifest.Layer layer, Path root, long budget) throws IOException {
        try (VerifyingInputStream stored = layout.open(layer.digest())) {
            return applyVerified(stored, layer, root, budget);
        } catch (IOException | RuntimeException e) {
            // Corruption usually breaks decompression before the digest check at the end is
            // reached, so any failure is put down to the blob if its content no longer matches.
            // skopeo reuses any blob whose file exists, so a corrupt one must go for the next pull
            // to fetch it again.
            if (e instanceof BlobCorruptException || !layout.matches(layer.digest())) {
                layout.delete(layer.digest());
                throw e instanceof BlobCorruptException corrupt ? corrupt
                        : new BlobCorruptException(layer.digest(), "no longer matches its digest (" + e.getMessage() + ")");
            }
            throw e;
        }
    }

    /**
     * Unpacks a layer as it arrives and keeps its blob only once every byte matched its digest.
     * Corruption usually breaks decompression before the end of the stream is reached, so on any
     * failure the rest is read to tell a blob that does not match its digest from a hostile one.
     */
    private long applyStreamed(ImageManifest.Layer layer, LayerSource source, Path root, long budget) throws IOException {
        try (OciLayout.Incoming incoming = layout.incoming(layer.digest()); InputStream body = source.open(layer)) {
            // Decompression closes what it reads; the rest must stay readable after a failure.
            VerifyingInputStream fetched = new VerifyingInputStream(keepOpen(new TeeInputStream(body, incoming.out())), layer.digest());
            long bytes;
            try {
                bytes = applyVerified(fetched, layer, root, budget);
            } catch (BlobCorruptException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                fetched.drainAndCheck(Math.max(layer.size(), MAX_TRAILING_BYTES));
                throw e;
            }
            incoming.keep();
            return bytes;
        }
    }

    /**
     * Unpacks one stored layer onto {@code root}, checking the blob's and the tar's digests; the
     * decompression and both digests run on a thread of their own, beside the unpacking.
     */
    static long applyVerified(VerifyingInputStream stored, ImageManifest.Layer layer, Path root, long budget) throws IOException {
        try (VerifyingInputStream tar = new VerifyingInputStream(decompress(layer, stored), layer.diffId());
             ReadAhead decompressed = new ReadAhead(tar, "berth-unpack-" + Digests.hex(layer.digest()).substring(0, 12))) {
            LayerUnpacker.Report report = LayerUnpacker.apply(keepOpen(decompressed), root, budget);
            // The tar reader stops at the end-of-archive marker; the digests cover every byte, and
            // what follows the marker is only padding, so a long tail is a decompression bomb. The
            // read-ahead checks the tar's digest as it reaches its end.
            Streams.drainAtMost(decompressed, MAX_TRAILING_BYTES, layer.diffId());
            stored.drainAndCheck(MAX_TRAILING_BYTES);
            return report.bytes();
        }
    }

    private static InputStream decompress(ImageManifest.Layer layer, InputStream stored) throws IOException {
        return switch (layer.mediaType()) {
            case GZIP -> new GZIPInputStream(stored, 64 * 1024);
            case TAR -> stored;
            default -> throw new ImageFormatException("layer " + layer.digest() + " has media type " + layer.mediaType()
                    + ", which this platform cannot unpack (it takes tar and gzip layers): rebuild the image with gzip compression");
        };
    }

    private static InputStream keepOpen(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public void close() {
                // The caller still has to drain the stream to check its digest.
            }
        };
    }
}
