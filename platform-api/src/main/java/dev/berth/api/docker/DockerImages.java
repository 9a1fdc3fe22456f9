package dev.berth.api.docker;

import dev.berth.api.images.ImageCatalog;
import dev.berth.api.images.ImageState;
import dev.berth.api.images.ImageView;
import dev.berth.api.images.registry.TenantImages;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

/**
 * Images as a tenant's Docker client sees them: the platform's catalog and the tenant's own
 * repositories in the platform's registry, resolved exactly as a job's image is. A tenant cannot
 * make the platform fetch an image from elsewhere: {@code docker pull} of an image that is in
 * neither place answers how to get it there.
 */
@ApplicationScoped
public class DockerImages {

    @Inject
    ImageCatalog catalog;
    @Inject
    TenantImages tenantImages;

    /** The digest the reference names for the tenant now, if any. */
    public Optional<String> digest(String tenant, String reference) {
        return tenantImages.resolve(tenant, reference).map(TenantImages.Resolved::digest).or(() -> catalog.pin(reference));
    }

    public boolean available(String tenant, String reference) {
        return digest(tenant, reference).isPresent();
    }

    /** What {@code docker pull} gets: the digest the name means here, or Docker's 404 with the ways to provide the image. */
    public String pull(String tenant, String reference) {
        return digest(tenant, reference).orElseThrow(() -> new DockerException(404, "pull access denied for " + reference
                + ": Berth runs only images of its catalog (GET /api/v1/admin/images, pulled by a platform admin) or of your own"
                + " repositories in the platform's registry (push with skopeo or podman to <registry>/" + tenant + "/<name>:<tag>)"));
    }

    public List<ImageView> catalog() {
        return catalog.list().stream().filter(image -> image.state() == ImageState.READY).toList();
    }
}
