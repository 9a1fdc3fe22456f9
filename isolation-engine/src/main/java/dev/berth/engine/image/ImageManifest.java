package dev.berth.engine.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An OCI image manifest from the store, with the uncompressed digests ({@code diff_ids}) its
 * config promises for each layer. Only linux/amd64 images are accepted: nothing else runs here.
 */
public record ImageManifest(String digest, String configDigest, List<Layer> layers) {

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final long MAX_JSON_BYTES = 4 * 1024 * 1024;

    /** One layer: the stored (possibly compressed) blob and the digest of its uncompressed tar. */
    public record Layer(String digest, long size, String mediaType, String diffId) {
    }

    public long layerBytes() {
        return layers.stream().mapToLong(Layer::size).sum();
    }

    static ImageManifest read(OciLayout layout, String digest, ObjectMapper mapper) throws IOException {
        JsonNode manifest = mapper.readTree(layout.read(digest, MAX_JSON_BYTES));
        String mediaType = manifest.path("mediaType").asText(OCI_MANIFEST);
        if (!mediaType.equals(OCI_MANIFEST) || manifest.path("schemaVersion").asInt() != 2) {
            throw new ImageFormatException("manifest " + digest + " is " + mediaType + " (schema " + manifest.path("schemaVersion").asInt()
                    + "), not an OCI image manifest: push the image again with a current tool");
        }
        String configDigest = manifest.path("config").path("digest").asText();
        JsonNode config = mapper.readTree(layout.read(configDigest, MAX_JSON_BYTES));
        String platform = config.path("os").asText() + "/" + config.path("architecture").asText();
        if (!platform.equals("linux/amd64")) {
            throw new ImageFormatException("image " + digest + " is built for " + platform + "; this host runs linux/amd64 images only");
        }
        JsonNode diffIds = config.path("rootfs").path("diff_ids");
        JsonNode layerNodes = manifest.path("layers");
        if (diffIds.size() != layerNodes.size()) {
            throw new ImageFormatException("image " + digest + " lists " + layerNodes.size() + " layers but its config describes "
                    + diffIds.size() + ": the image is broken; build it again");
        }
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < layerNodes.size(); i++) {
            JsonNode layer = layerNodes.get(i);
            layers.add(new Layer(layer.path("digest").asText(), layer.path("size").asLong(), layer.path("mediaType").asText(), diffIds.get(i).asText()));
        }
        return new ImageManifest(digest, configDigest, List.copyOf(layers));
    }
}
