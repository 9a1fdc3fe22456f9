package dev.berth.api.images;

import dev.berth.api.audit.AuditEntry;
import dev.berth.api.audit.AuditLog;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import dev.berth.engine.image.BuiltInImage;
import dev.berth.engine.image.PreparedImage;
import dev.berth.policy.ImageReference;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The platform's image catalog: names and tags mapped to content digests, pulls waiting for an
 * engine replica, and the lookup that pins a job's image to a digest at admission.
 */
@ApplicationScoped
public class ImageCatalog {

    static final String BUILT_IN = "built-in";

    @Inject
    EntityManager em;
    @Inject
    AuditLog audit;
    @Inject
    Event<PullRequested> pullRequests;
    @Inject
    Event<ImageDeleted> deletions;

    /**
     * Records a pull for an engine replica to carry out. Pulling a name and tag the catalog has
     * again refreshes that entry, so the tag follows the registry.
     */
    @Transactional
    public ImageView requestPull(String reference, String name, String tag, String actor) {
        ImageReference parsed = ImageReference.parse(reference).orElseThrow(() -> invalid(
                "ref '" + reference + "' is not an image reference: write [host[:port]/]path[:tag][@sha256:digest]"));
        String catalogName = name != null ? name : parsed.repository();
        String catalogTag = tag != null ? tag : (parsed.digest() != null ? parsed.tag() : (parsed.tag() == null ? "latest" : parsed.tag()));
        checkName(catalogName, catalogTag);
        ImageEntry entry = catalogTag == null ? null : byNameAndTag(catalogName, catalogTag).orElse(null);
        if (entry != null && entry.state == ImageState.PULLING) {
            throw new ProblemException(ProblemType.IMAGE_BUSY, entry.reference() + " is being pulled already; follow it at /api/v1/admin/images/" + entry.id);
        }
        if (entry != null && BUILT_IN.equals(entry.source)) {
            throw new ProblemException(ProblemType.IMAGE_BUILT_IN, entry.reference() + " is built into the platform; pull under another name or tag");
        }
        boolean created = entry == null;
        if (created) {
            entry = newEntry(catalogName, catalogTag);
        }
        entry.source = reference;
        entry.state = ImageState.PULLING;
        entry.phase = "WAITING";
        entry.error = null;
        entry.replica = null;
        entry.requestedBy = actor;
        entry.updatedAt = Instant.now();
        if (created) {
            em.persist(entry);
        }
        audit.record(AuditEntry.success("image.pull.request", null, "image/" + entry.id).reason(reference + " as " + entry.reference()));
        pullRequests.fire(new PullRequested(entry.id));
        return ImageView.of(entry);
    }

    /** Enters an image an engine replica has just imported and unpacked; the name and tag move to it. */
    @Transactional
    public ImageView imported(String name, String tag, String source, PreparedImage image, String replica, String actor) {
        checkName(name, tag);
        ImageEntry entry = byNameAndTag(name, tag).orElse(null);
        if (entry != null && (entry.state == ImageState.PULLING || BUILT_IN.equals(entry.source))) {
            throw new ProblemException(ProblemType.IMAGE_BUSY, name + ":" + tag
                    + (entry.state == ImageState.PULLING ? " is being pulled" : " is built into the platform") + "; import under another tag");
        }
        String previous = entry == null ? null : entry.digest;
        boolean created = entry == null;
        if (created) {
            entry = newEntry(name, tag);
        }
        entry.source = source;
        entry.requestedBy = actor;
        ready(entry, image, replica);
        if (created) {
            em.persist(entry);
        }
        audit.record(AuditEntry.success("image.import", null, "image/" + entry.id)
                .reason(entry.reference() + " " + image.digest() + (previous == null || previous.equals(image.digest()) ? "" : " (was " + previous + ")")));
        return ImageView.of(entry);
    }

    @Transactional
    public List<ImageView> list() {
        return em.createQuery("FROM ImageEntry ORDER BY name, tag", ImageEntry.class).getResultStream().map(ImageView::of).toList();
    }

    @Transactional
    public ImageView find(UUID id) {
        return ImageView.of(entry(id));
    }

    /** Removes the entry; its content goes at the next collection unless a job or an allow-list still names its digest. */
    @Transactional
    public void delete(UUID id) {
        ImageEntry entry = entry(id);
        if (entry.state == ImageState.PULLING) {
            throw new ProblemException(ProblemType.IMAGE_BUSY, entry.reference() + " is being pulled; delete it once the pull has finished");
        }
        if (BUILT_IN.equals(entry.source)) {
            throw new ProblemException(ProblemType.IMAGE_BUILT_IN, entry.reference() + " is built into the platform and comes back at every start; deny it in tenant allow-lists instead");
        }
        em.remove(entry);
        audit.record(AuditEntry.success("image.delete", null, "image/" + id).reason(entry.reference() + " " + entry.digest));
        deletions.fire(new ImageDeleted(id));
    }

    /**
     * The digest a job's image reference names now: {@code name[:tag]} by the catalog entry,
     * {@code name@sha256:…} if an entry of that name has that digest (as stored or as the registry
     * served it). Empty if no ready entry matches.
     */
    @Transactional
    public Optional<String> pin(String reference) {
        Optional<ImageReference> parsed = ImageReference.parse(reference);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        ImageReference image = parsed.get();
        if (image.digest() != null) {
            return em.createQuery("SELECT i.digest FROM ImageEntry i WHERE i.name = :name AND i.state = :ready "
                            + "AND (i.digest = :digest OR i.sourceDigest = :digest)", String.class)
                    .setParameter("name", image.repository()).setParameter("ready", ImageState.READY)
                    .setParameter("digest", image.digest()).setMaxResults(1).getResultStream().findFirst();
        }
        return byNameAndTag(image.repository(), image.tag() == null ? "latest" : image.tag())
                .filter(entry -> entry.state == ImageState.READY).map(entry -> entry.digest);
    }

    /** Lists the host's built-in images as ready entries, updating the digest if host setup rebuilt one. */
    @Transactional
    public void registerBuiltIns(List<BuiltInImage> builtIns) {
        for (BuiltInImage builtIn : builtIns) {
            ImageEntry entry = byNameAndTag(builtIn.name(), "latest").orElse(null);
            if (entry != null && builtIn.digest().equals(entry.digest)) {
                continue;
            }
            boolean created = entry == null;
            if (created) {
                entry = newEntry(builtIn.name(), "latest");
                entry.requestedBy = "platform";
            }
            entry.source = BUILT_IN;
            entry.state = ImageState.READY;
            entry.phase = "DONE";
            entry.digest = builtIn.digest();
            entry.sourceDigest = builtIn.digest();
            entry.updatedAt = Instant.now();
            if (created) {
                em.persist(entry);
            }
            audit.record(AuditEntry.success("image.builtin", null, "image/" + entry.id).reason(entry.reference() + " " + builtIn.digest()));
        }
    }

    static void ready(ImageEntry entry, PreparedImage image, String replica) {
        entry.state = ImageState.READY;
        entry.phase = "DONE";
        entry.digest = image.digest();
        entry.sourceDigest = image.sourceDigest();
        entry.layers = image.layers();
        entry.sizeBytes = image.sizeBytes();
        entry.transferredBytes = image.transferredBytes();
        entry.error = null;
        entry.replica = replica;
        entry.updatedAt = Instant.now();
    }

    private static ImageEntry newEntry(String name, String tag) {
        ImageEntry entry = new ImageEntry();
        entry.id = UUID.randomUUID();
        entry.name = name;
        entry.tag = tag;
        entry.createdAt = Instant.now();
        return entry;
    }

    private ImageEntry entry(UUID id) {
        ImageEntry entry = em.find(ImageEntry.class, id);
        if (entry == null) {
            throw ProblemException.notFound("image " + id);
        }
        return entry;
    }

    private Optional<ImageEntry> byNameAndTag(String name, String tag) {
        return em.createQuery("FROM ImageEntry WHERE name = :name AND tag = :tag", ImageEntry.class)
                .setParameter("name", name).setParameter("tag", tag).getResultStream().findFirst();
    }

    private static void checkName(String name, String tag) {
        if (!ImageReference.isRepository(name)) {
            throw invalid("name '" + name + "' is not a repository name: use lower-case path components like team/app");
        }
        if (tag != null && ImageReference.parse(name + ":" + tag).filter(parsed -> tag.equals(parsed.tag())).isEmpty()) {
            throw invalid("tag '" + tag + "' is not a tag: use up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'");
        }
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(ProblemType.INVALID_IMAGE, detail);
    }
}
