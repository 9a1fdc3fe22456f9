package dev.berth.engine.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.policy.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The engine's images: built-in ones from the host's image directory, and pulled or imported
 * ones in a content-addressed store ({@code <store>/oci}, an OCI image layout) with one unpacked
 * root filesystem per manifest digest ({@code <store>/rootfs}). Jobs name stored images by
 * digest, so preparing a cached image for a job is a directory lookup.
 *
 * <p>Writers (pulls, imports, collection) take turns: skopeo rewrites index.json on every copy,
 * and a collection must not remove what a transfer is writing.
 */
public final class ImageLibrary implements ImageStore {

    /**
     * @param storeDir            where blobs and unpacked trees live; must belong to the service user
     * @param skopeo              the skopeo executable
     * @param plainHttpRegistries registry hosts ({@code host[:port]}) reached over plain HTTP
     * @param maxImageBytes       ceiling on an import body, and on an image's unpacked size
     * @param pullTimeout         how long one skopeo command may take
     * @param authFile            a containers-auth.json with registry credentials, if any
     */
    public record Settings(Path storeDir, Path skopeo, Set<String> plainHttpRegistries, long maxImageBytes,
            Duration pullTimeout, Optional<Path> authFile) {
    }

    private final ImageStore builtIns;
    private final OciLayout layout;
    private final UnpackedImages unpacked;
    private final RegistryPuller puller;
    private final StreamingPuller streaming;
    private final ArchiveImporter importer;
    private final ImageGarbageCollector collector;
    private final SourceDigests sources;
    private final ObjectMapper mapper;
    private final ReentrantLock writers = new ReentrantLock();

    private ImageLibrary(Settings settings, ImageStore builtIns, ObjectMapper mapper) throws IOException {
        this.builtIns = builtIns;
        this.mapper = mapper;
        Path incoming = Files.createDirectories(settings.storeDir().resolve("incoming"));
        try (var leftovers = Files.list(incoming)) {
            for (Path leftover : leftovers.toList()) {
                Files.deleteIfExists(leftover);
            }
        }
        this.layout = OciLayout.open(settings.storeDir().resolve("oci"), mapper);
        this.unpacked = new UnpackedImages(settings.storeDir().resolve("rootfs"), layout, mapper, settings.maxImageBytes());
        Skopeo skopeo = new Skopeo(settings.skopeo(), settings.storeDir(), settings.authFile(), settings.pullTimeout());
        this.puller = new RegistryPuller(skopeo, layout, mapper, settings.plainHttpRegistries());
        this.streaming = new StreamingPuller(new RegistryBlobs(settings.pullTimeout()), layout, mapper, settings.plainHttpRegistries());
        this.importer = new ArchiveImporter(skopeo, layout, mapper, incoming, settings.maxImageBytes());
        this.collector = new ImageGarbageCollector(layout, unpacked, mapper);
        this.sources = new SourceDigests(Files.createDirectories(settings.storeDir().resolve("sources")));
    }

    public static ImageLibrary open(Settings settings, ImageStore builtIns) throws IOException {
        return new ImageLibrary(settings, builtIns, new ObjectMapper());
    }

    /** Pulls from a registry and unpacks; a second pull of the same image transfers no layer again. */
    public PreparedImage pull(String reference, Consumer<PullProgress> progress) throws IOException {
        return pull(reference, Optional.empty(), progress);
    }

    /**
     * Pulls with a bearer token for the registry (as its token service issued it) instead of the
     * auth file. The image then also resolves by the digest the registry served, which is the
     * one a job pinned to it names even when the store holds it converted.
     *
     * <p>With a token, each layer is unpacked while it downloads and stored as it passes, so the
     * pull takes about as long as the slower of the two; without one skopeo copies the image
     * first, as it alone reads the auth file's credentials and negotiates any registry's token
     * service.
     */
    public PreparedImage pull(String reference, Optional<String> registryToken, Consumer<PullProgress> progress) throws IOException {
        if (registryToken.isPresent()) {
            return exclusively(() -> {
                StreamingPuller.Resolved resolved = streaming.resolve(reference, registryToken.get(), progress);
                ImageManifest manifest = ImageManifest.read(layout, resolved.digest(), mapper);
                unpacked.unpack(manifest, resolved.layers());
                sources.record(resolved.sourceDigest(), resolved.digest());
                return new PreparedImage(resolved.digest(), resolved.sourceDigest(), manifest.layers().size(), manifest.layerBytes(),
                        resolved.bytesToTransfer());
            });
        }
        return exclusively(() -> {
            RegistryPuller.Pulled pulled = puller.pull(reference, progress);
            layout.clearIndex();
            PreparedImage image = prepare(pulled.digest(), pulled.sourceDigest(), pulled.transferredBytes());
            sources.record(pulled.sourceDigest(), pulled.digest());
            return image;
        });
    }

    /** Imports an OCI image layout archive. */
    public PreparedImage importOciArchive(InputStream body) throws IOException {
        return exclusively(() -> {
            ArchiveImporter.Imported imported = importer.ociArchive(body);
            layout.clearIndex();
            return prepare(imported.digest(), imported.digest(), imported.receivedBytes());
        });
    }

    /** Imports a plain root filesystem tar as a one-layer image. */
    public PreparedImage importRootfsTar(InputStream body) throws IOException {
        return exclusively(() -> {
            ArchiveImporter.Imported imported = importer.rootfsTar(body);
            return prepare(imported.digest(), imported.digest(), imported.receivedBytes());
        });
    }

    /**
     * Removes every stored image outside {@code liveManifests} that is older than {@code grace}. A
     * live digest may be the one a registry served for an image the store holds converted.
     */
    public GarbageReport collectGarbage(Set<String> liveManifests, Duration grace) throws IOException {
        return exclusively(() -> {
            Set<String> live = new HashSet<>(liveManifests);
            for (String digest : liveManifests) {
                sources.storedDigest(digest).ifPresent(live::add);
            }
            GarbageReport report = collector.collect(live, grace);
            sources.forgetMissing(unpacked::find);
            return report;
        });
    }

    /** Stored images by manifest digest; anything else by name among the built-in images. */
    @Override
    public Optional<ResolvedImage> resolve(String reference) {
        Optional<ImageReference> parsed = ImageReference.parse(reference);
        if (parsed.isPresent() && parsed.get().digest() != null) {
            String digest = parsed.get().digest();
            Optional<Path> rootfs = unpacked.find(digest).or(() -> sources.storedDigest(digest).flatMap(unpacked::find));
            if (rootfs.isPresent()) {
                return Optional.of(new ResolvedImage(reference, parsed.get().digest(), rootfs.get()));
            }
        }
        return builtIns.resolve(reference);
    }

    @Override
    public List<BuiltInImage> builtIn() {
        return builtIns.builtIn();
    }

    private <T> T exclusively(StoreWrite<T> write) throws IOException {
        writers.lock();
        try {
            return write.run();
        } finally {
            writers.unlock();
        }
    }

    private interface StoreWrite<T> {
        T run() throws IOException;
    }

    private PreparedImage prepare(String digest, String sourceDigest, long transferredBytes) throws IOException {
        ImageManifest manifest = ImageManifest.read(layout, digest, mapper);
        unpacked.unpack(manifest);
        return new PreparedImage(digest, sourceDigest, manifest.layers().size(), manifest.layerBytes(), transferredBytes);
    }
}
