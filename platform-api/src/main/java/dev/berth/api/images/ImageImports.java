package dev.berth.api.images;

import dev.berth.api.config.BerthConfig;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import dev.berth.api.replica.LocalEngine;
import dev.berth.api.replica.ReplicaId;
import dev.berth.engine.EngineException;
import dev.berth.engine.image.ImageLibrary;
import dev.berth.engine.image.ImageTooLargeException;
import dev.berth.engine.image.PreparedImage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;

/**
 * Imports a request body into this replica's store and enters it in the catalog. The body streams
 * to disk within berth.images.max-image-bytes (a declared length beyond it is refused before a byte
 * is read). Bad archives, hostile layers and bodies over the cap are refused with the reason and
 * leave the catalog and the store unchanged.
 */
@ApplicationScoped
public class ImageImports {

    public static final String ROOTFS_TAR = "application/x-tar";
    public static final String OCI_ARCHIVE = "application/vnd.oci.image.layout.v1+tar";

    @Inject
    LocalEngine localEngine;
    @Inject
    Instance<ImageLibrary> library;
    @Inject
    ImageCatalog catalog;
    @Inject
    ReplicaId replica;
    @Inject
    BerthConfig config;

    /**
     * @param declaredBytes the body's Content-Length, when the client sent one
     */
    public ImageView importBody(String name, String tag, String mediaType, OptionalLong declaredBytes, InputStream body, String actor) {
        if (!localEngine.runsJobs()) {
            throw new ProblemException(ProblemType.NO_IMAGE_STORE, "this replica runs no jobs (berth.dispatch.max-concurrent=0), so it has no image store: send imports to an engine replica");
        }
        if (name == null || name.isBlank()) {
            throw new ProblemException(ProblemType.INVALID_IMAGE, "name the image: add ?name=N&tag=T to the URL");
        }
        long max = config.images().maxImageBytes();
        if (declaredBytes.isPresent() && declaredBytes.getAsLong() > max) {
            throw new ProblemException(ProblemType.IMAGE_TOO_LARGE, "the import is " + declaredBytes.getAsLong() + " bytes, more than"
                    + " berth.images.max-image-bytes (" + max + " bytes) allows; nothing was stored: push large images to the registry"
                    + " or ask the operator to raise the cap");
        }
        PreparedImage image;
        try {
            image = switch (mediaType) {
                case ROOTFS_TAR -> library.get().importRootfsTar(body);
                case OCI_ARCHIVE -> library.get().importOciArchive(body);
                default -> throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "send " + ROOTFS_TAR + " for a root filesystem tar or " + OCI_ARCHIVE + " for an OCI image layout archive");
            };
        } catch (ImageTooLargeException e) {
            throw new ProblemException(ProblemType.IMAGE_TOO_LARGE, e.getMessage());
        } catch (IOException | EngineException e) {
            throw new ProblemException(ProblemType.IMAGE_REFUSED, e.getMessage());
        }
        String source = mediaType.equals(ROOTFS_TAR) ? "rootfs-tar" : "oci-archive";
        return catalog.imported(name, tag == null ? "latest" : tag, source, image, replica.get(), actor);
    }
}
