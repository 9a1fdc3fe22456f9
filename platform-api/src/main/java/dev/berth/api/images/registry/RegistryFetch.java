package dev.berth.api.images.registry;

import dev.berth.api.audit.AuditEntry;
import dev.berth.api.audit.AuditLog;
import dev.berth.api.auth.RegistryTokens;
import dev.berth.api.config.BerthConfig;
import dev.berth.api.replica.ReplicaId;
import dev.berth.engine.image.ImageLibrary;
import dev.berth.engine.image.PreparedImage;
import dev.berth.policy.ImageReference;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.jboss.logging.Logger;

/**
 * Any engine replica runs any job: one that claims a job pinned to a registry image its store
 * lacks fetches exactly that digest from the registry first (then it is unpacked once and
 * cached like any pulled image, and collected once no open job names it).
 *
 * <p>Fetches run on a thread of their own, never on the dispatcher's, so jobs on images the
 * replica holds keep starting while a large image arrives. One fetch per digest is under way at
 * a time and every claimer of that digest waits for the same one. The thread is single because
 * the image store serialises its writes: a second one would only wait for the store's lock.
 */
@ApplicationScoped
public class RegistryFetch {

    private static final Logger LOG = Logger.getLogger(RegistryFetch.class);

    @Inject
    BerthConfig config;
    @Inject
    Instance<ImageLibrary> library;
    @Inject
    RegistryTokens tokens;
    @Inject
    AuditLog audit;
    @Inject
    ReplicaId replica;

    private final ExecutorService fetcher = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("berth-image-fetch").daemon().factory());
    private final Map<String, CompletableFuture<Void>> underWay = new ConcurrentHashMap<>();

    /** Whether a plan's pinned image is a registry digest this replica's store lacks. */
    public boolean needed(String pinnedImage) {
        return registryPath(pinnedImage).isPresent() && library.get().resolve(pinnedImage).isEmpty();
    }

    /**
     * Fetches the pinned image on the fetch thread, or joins the fetch of the same digest already
     * under way. The answer completes when the image is present, or exceptionally with the
     * registry's reason; it is shared, so callers must not cancel it.
     */
    public CompletableFuture<Void> fetch(String tenant, String pinnedImage) {
        String digest = ImageReference.parse(pinnedImage).map(ImageReference::digest).orElse(pinnedImage);
        CompletableFuture<Void> fetch = new CompletableFuture<>();
        CompletableFuture<Void> joined = underWay.putIfAbsent(digest, fetch);
        if (joined != null) {
            return joined;
        }
        try {
            fetcher.execute(() -> {
                try {
                    ensureLocal(tenant, pinnedImage);
                    done(digest, fetch, null);
                } catch (RuntimeException | Error e) {
                    done(digest, fetch, e);
                }
            });
        } catch (RejectedExecutionException e) {
            done(digest, fetch, new IllegalStateException("this replica is shutting down and fetches no more images", e));
        }
        return fetch;
    }

    /** Out of the map first: a claimer arriving later starts afresh and finds the image in the store. */
    private void done(String digest, CompletableFuture<Void> fetch, Throwable failure) {
        underWay.remove(digest, fetch);
        if (failure == null) {
            fetch.complete(null);
        } else {
            fetch.completeExceptionally(failure);
        }
    }

    /** Makes the pinned image of a plan present on this replica; fails with the registry's reason if it cannot. */
    void ensureLocal(String tenant, String pinnedImage) {
        Optional<String> path = registryPath(pinnedImage);
        if (path.isEmpty() || library.get().resolve(pinnedImage).isPresent()) {
            return;
        }
        ImageReference parsed = ImageReference.parse(pinnedImage).orElseThrow();
        long start = System.nanoTime();
        // When the layers began to stream into the unpacker, after the manifests and the config were read.
        long[] streaming = {0};
        PreparedImage image;
        try {
            image = library.get().pull(parsed.repository() + "@" + parsed.digest(), Optional.of(tokens.platformPull(path.get())), progress -> {
                if (progress.phase().equals("STREAMING") && streaming[0] == 0) {
                    streaming[0] = System.nanoTime();
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("this replica could not fetch " + pinnedImage + " from the registry: " + e.getMessage(), e);
        }
        long end = System.nanoTime();
        String fetched = pinnedImage + ": " + image.transferredBytes() + " layer bytes in " + (end - start) / 1_000_000 + " ms (manifests "
                + (streaming[0] - start) / 1_000_000 + " ms, layers downloaded and unpacked " + (end - streaming[0]) / 1_000_000
                + " ms), stored as " + image.digest();
        LOG.infof("fetched %s", fetched);
        recordFetch(tenant, fetched);
    }

    /** The image's repository path in the platform's registry, for an image pinned to a digest there. */
    private Optional<String> registryPath(String pinnedImage) {
        Optional<String> host = config.registry().host();
        ImageReference parsed = ImageReference.parse(pinnedImage).orElse(null);
        if (host.isEmpty() || parsed == null || parsed.digest() == null || !parsed.repository().startsWith(host.get() + "/")) {
            return Optional.empty();
        }
        return Optional.of(parsed.repository().substring(host.get().length() + 1));
    }

    @Transactional
    void recordFetch(String tenant, String fetched) {
        audit.record(AuditEntry.success("image.fetch", tenant, "replica/" + replica.get()).reason(fetched));
    }

    /** A fetch cut short by shutdown stops its download; the attempts waiting for it were handed back already. */
    @PreDestroy
    void close() {
        fetcher.shutdownNow();
    }
}
