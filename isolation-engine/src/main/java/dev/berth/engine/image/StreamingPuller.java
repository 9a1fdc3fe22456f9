package dev.berth.engine.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.policy.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The first half of a pull whose layers are unpacked as they download: reads the manifest by
 * digest (a manifest list resolved to linux/amd64) and checks it against that digest, refuses
 * schema 1 and foreign manifest types, and stores the config (checked against its digest) and the
 * manifest, a Docker one converted to OCI as skopeo would. The layers then stream from
 * {@link Resolved#layers}; nothing is unpacked here.
 */
final class StreamingPuller {

    private static final String ACCEPT = String.join(", ", ImageManifest.OCI_MANIFEST, ServedManifests.DOCKER_MANIFEST,
            "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json");
    private static final int MAX_CONFIG_BYTES = 4 * 1024 * 1024;
    private static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    private static final Map<String, String> OCI_LAYER_TYPES = Map.of(
            "application/vnd.docker.image.rootfs.diff.tar.gzip", "application/vnd.oci.image.layer.v1.tar+gzip");

    private final RegistryBlobs blobs;
    private final OciLayout layout;
    private final ObjectMapper mapper;
    private final Set<String> plainHttpRegistries;

    StreamingPuller(RegistryBlobs blobs, OciLayout layout, ObjectMapper mapper, Set<String> plainHttpRegistries) {
        this.blobs = blobs;
        this.layout = layout;
        this.mapper = mapper;
        this.plainHttpRegistries = plainHttpRegistries;
    }

    /** The stored manifest's digest, the registry's, the layer bytes the store lacks, and where those layers come from. */
    record Resolved(String digest, String sourceDigest, long bytesToTransfer, UnpackedImages.LayerSource layers) {
    }

    Resolved resolve(String reference, String token, Consumer<PullProgress> progress) throws IOException {
        ImageReference parsed = ImageReference.parse(reference)
                .orElseThrow(() -> new ImageFormatException("'" + reference + "' is not an image reference: write [host[:port]/]path[:tag][@sha256:digest]"));
        progress.accept(PullProgress.resolving());
        String registry = RegistryPuller.registryOf(parsed.repository());
        String path = parsed.repository().startsWith(registry + "/") ? parsed.repository().substring(registry.length() + 1) : parsed.repository();
        RegistryBlobs.Repository repository = new RegistryBlobs.Repository(registry, plainHttpRegistries.contains(registry), path, token);
        String target = parsed.digest() != null ? parsed.digest() : (parsed.tag() == null ? "latest" : parsed.tag());
        byte[] raw = blobs.manifest(repository, target, ACCEPT);
        if (parsed.digest() != null) {
            ServedManifests.checkServed(raw, parsed.digest());
        }
        String instance = Digests.of(OciLayout.sha256().digest(raw));
        JsonNode manifest = mapper.readTree(raw);
        if (ServedManifests.LISTS.contains(ServedManifests.mediaType(manifest))) {
            instance = ServedManifests.amd64Instance(reference, manifest);
            raw = blobs.manifest(repository, instance, ACCEPT);
            ServedManifests.checkServed(raw, instance);
            manifest = mapper.readTree(raw);
        }
        ServedManifests.checkTaken(reference, manifest);
        String configDigest = manifest.path("config").path("digest").asText();
        if (!ImageReference.isDigest(configDigest)) {
            throw new ImageFormatException("image " + reference + " names no sha256 config digest: the image is broken; push it again");
        }
        if (!layout.has(configDigest)) {
            byte[] config;
            try (InputStream body = blobs.blob(repository, configDigest)) {
                config = body.readNBytes(MAX_CONFIG_BYTES + 1);
            }
            if (config.length > MAX_CONFIG_BYTES) {
                throw new ImageFormatException("the config " + configDigest + " of " + reference + " is larger than " + MAX_CONFIG_BYTES
                        + " bytes: no image needs one so large; push it again");
            }
            ServedManifests.checkServed(config, configDigest);
            layout.put(config);
        }
        byte[] stored = ServedManifests.DOCKER_MANIFEST.equals(ServedManifests.mediaType(manifest)) ? asOci(manifest) : raw;
        String storedDigest = layout.put(stored).digest();
        PullProgress counted = PullProgress.of("STREAMING", manifest, layout).cachedGoneThrough();
        progress.accept(counted);
        return new Resolved(storedDigest, instance, counted.bytesToTransfer(), layer -> blobs.blob(repository, layer.digest()));
    }

    /** The Docker schema 2 manifest as OCI: the same blobs under the OCI media types, as skopeo stores it. */
    private byte[] asOci(JsonNode docker) throws IOException {
        ObjectNode oci = docker.deepCopy();
        oci.put("mediaType", ImageManifest.OCI_MANIFEST);
        ((ObjectNode) oci.path("config")).put("mediaType", OCI_CONFIG);
        for (JsonNode layer : oci.path("layers")) {
            String type = layer.path("mediaType").asText();
            ((ObjectNode) layer).put("mediaType", OCI_LAYER_TYPES.getOrDefault(type, type));
        }
        return mapper.writeValueAsBytes(oci);
    }
}
