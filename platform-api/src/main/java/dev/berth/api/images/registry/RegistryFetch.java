package dev.berth.api.images.registry;

import dev.berth.api.audit.AuditEntry;
import dev.berth.api.audit.AuditLog;
import dev.berth.api.auth.RegistryTokens;
import dev.berth.api.config.BerthConfig;
import dev.berth.api.replica.ReplicaId;
import dev.berth.engine.image.ImageLibrary;
import dev.berth.engine.image.PreparedImage;
import dev.berth.policy.ImageReference;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Any engine replica runs any job: one that claims a job pinned to a registry image its store
 * lacks fetches exactly that digest from the registry first (then it is unpacked once and
 * cached like any pulled image, and collected once no open job names it).
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

    /** Makes the pinned image of a plan present on this replica; fails with the registry's reason if it cannot. */
    public void ensureLocal(String tenant, String pinnedImage) {
        Optional<String> host = config.registry().host();
        ImageReference parsed = ImageReference.parse(pinnedImage).orElse(null);
        if (host.isEmpty() || parsed == null || parsed.digest() == null || !parsed.repository().startsWith(host.get() + "/")
                || library.get().resolve(pinnedImage).isPresent()) {
            return;
        }
        String path = parsed.repository().substring(host.get().length() + 1);
        long start = System.nanoTime();
        long[] unpackingFrom = {0};
        PreparedImage image;
        try {
            image = library.get().pull(parsed.repository() + "@" + parsed.digest(), Optional.of(tokens.platformPull(path)), progress -> {
                if (progress.phase().equals("UNPACKING")) {
                    unpackingFrom[0] = System.nanoTime();
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("this replica could not fetch " + pinnedImage + " from the registry: " + e.getMessage(), e);
        }
        long end = System.nanoTime();
        long copyMillis = ((unpackingFrom[0] == 0 ? end : unpackingFrom[0]) - start) / 1_000_000;
        long unpackMillis = unpackingFrom[0] == 0 ? 0 : (end - unpackingFrom[0]) / 1_000_000;
        String fetched = pinnedImage + ": " + image.transferredBytes() + " layer bytes in " + (copyMillis + unpackMillis) + " ms (copy "
                + copyMillis + " ms, unpack " + unpackMillis + " ms), stored as " + image.digest();
        LOG.infof("fetched %s", fetched);
        recordFetch(tenant, fetched);
    }

    @Transactional
    void recordFetch(String tenant, String fetched) {
        audit.record(AuditEntry.success("image.fetch", tenant, "replica/" + replica.get()).reason(fetched));
    }
}
