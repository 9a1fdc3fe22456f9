package dev.berth.api.images;

import dev.berth.api.audit.AuditEntry;
import dev.berth.api.audit.AuditLog;
import dev.berth.engine.image.PreparedImage;
import dev.berth.engine.image.PullProgress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The pull worker's short transactions: claim, progress, outcome, and what collection must keep. */
@ApplicationScoped
public class ImagePullRecords {

    @Inject
    EntityManager em;
    @Inject
    AuditLog audit;
    @Inject
    Instance<ImageUsers> users;

    /** Takes the longest-waiting pull for this replica; replicas never take the same one. */
    @Transactional
    public Optional<ImageEntry> claim(String replica) {
        @SuppressWarnings("unchecked")
        List<Object> claimed = em.createNativeQuery("UPDATE images SET replica = :replica, phase = 'RESOLVING', updated_at = now() "
                        + "WHERE id = (SELECT id FROM images WHERE state = 'PULLING' AND replica IS NULL "
                        + "ORDER BY updated_at LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id")
                .setParameter("replica", replica).getResultList();
        return claimed.stream().findFirst().map(id -> em.find(ImageEntry.class, id));
    }

    /** Pulls this replica had started when it stopped go back to waiting, for any replica to take. */
    @Transactional
    public int releaseUnfinished(String replica) {
        return em.createQuery("UPDATE ImageEntry SET replica = NULL, phase = 'WAITING' WHERE state = :pulling AND replica = :replica")
                .setParameter("pulling", ImageState.PULLING).setParameter("replica", replica).executeUpdate();
    }

    @Transactional
    public void progress(UUID id, PullProgress progress) {
        ImageEntry entry = em.find(ImageEntry.class, id);
        if (entry != null && entry.state == ImageState.PULLING) {
            entry.phase = progress.phase();
            entry.layers = progress.layers();
            entry.layersCached = progress.layersCached();
            entry.layersCopied = progress.layersCopied();
            entry.bytesTotal = progress.bytesTotal();
            entry.bytesToTransfer = progress.bytesToTransfer();
            entry.updatedAt = Instant.now();
        }
    }

    @Transactional
    public void succeeded(UUID id, PreparedImage image, String replica) {
        ImageEntry entry = em.find(ImageEntry.class, id);
        if (entry == null) {
            return;
        }
        ImageCatalog.ready(entry, image, replica);
        audit.record(AuditEntry.success("image.pull", null, "image/" + id)
                .reason(entry.source + " " + image.digest() + ", " + image.transferredBytes() + " layer bytes transferred"));
    }

    @Transactional
    public void failed(UUID id, String error) {
        ImageEntry entry = em.find(ImageEntry.class, id);
        if (entry == null) {
            return;
        }
        entry.state = ImageState.FAILED;
        entry.phase = "FAILED";
        entry.error = error;
        entry.updatedAt = Instant.now();
        audit.record(AuditEntry.failure("image.pull", null, "image/" + id).reason(entry.source + ": " + error));
    }

    /** Digests still in use: catalog entries and whatever every {@link ImageUsers} names (open jobs, allow-lists). */
    @Transactional
    public Set<String> liveDigests() {
        Set<String> live = new HashSet<>(em.createQuery("SELECT i.digest FROM ImageEntry i WHERE i.digest IS NOT NULL", String.class)
                .getResultList());
        users.forEach(user -> live.addAll(user.digestsInUse()));
        return live;
    }
}
