package dev.berth.engine.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Imports images that arrive as a request body: an OCI image layout archive (what
 * {@code skopeo copy … oci-archive:} writes), copied into the store by skopeo, or a plain root
 * filesystem tar (like {@code docker import}), stored as the single layer of a new OCI image whose
 * manifest is built here. The same tar always yields the same digest.
 */
final class ArchiveImporter {

    private static final String CONFIG = "application/vnd.oci.image.config.v1+json";
    private static final String TAR_LAYER = "application/vnd.oci.image.layer.v1.tar";

    private final Skopeo skopeo;
    private final OciLayout layout;
    private final ObjectMapper mapper;
    private final Path incoming;
    private final long maxBytes;

    ArchiveImporter(Skopeo skopeo, OciLayout layout, ObjectMapper mapper, Path incoming, long maxBytes) {
        this.skopeo = skopeo;
        this.layout = layout;
        this.mapper = mapper;
        this.incoming = incoming;
        this.maxBytes = maxBytes;
    }

    /** Stores the archive's image; answers its manifest digest and the bytes received. */
    Imported ociArchive(InputStream body) throws IOException {
        Path archive = incoming.resolve("archive-" + UUID.randomUUID() + ".tar");
        try {
            long received;
            try (OutputStream out = Files.newOutputStream(archive)) {
                received = Streams.copyAtMost(body, out, maxBytes);
            }
            String transfer = "import-" + UUID.randomUUID();
            skopeo.copy("oci-archive:" + archive, false, "oci:" + layout.root() + ":" + transfer, line -> { });
            String digest = layout.manifestNamed(transfer)
                    .orElseThrow(() -> new ImageFormatException("the archive holds no image: send an OCI image layout archive with one image"));
            return new Imported(digest, received);
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    /** Stores the tar as one uncompressed layer with a linux/amd64 config and an OCI manifest. */
    Imported rootfsTar(InputStream body) throws IOException {
        OciLayout.Descriptor layer = layout.put(body, maxBytes);
        ObjectNode config = mapper.createObjectNode();
        config.put("architecture", "amd64");
        config.put("os", "linux");
        config.putObject("config");
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        rootfs.putArray("diff_ids").add(layer.digest());
        OciLayout.Descriptor configBlob = layout.put(mapper.writeValueAsBytes(config));

        ObjectNode manifest = mapper.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", ImageManifest.OCI_MANIFEST);
        descriptor(manifest.putObject("config"), CONFIG, configBlob);
        descriptor(manifest.putArray("layers").addObject(), TAR_LAYER, layer);
        return new Imported(layout.put(mapper.writeValueAsBytes(manifest)).digest(), layer.size());
    }

    private static void descriptor(ObjectNode node, String mediaType, OciLayout.Descriptor blob) {
        node.put("mediaType", mediaType);
        node.put("digest", blob.digest());
        node.put("size", blob.size());
    }

    /** The stored manifest digest and the bytes the body carried. */
    record Imported(String digest, long receivedBytes) {
    }
}
