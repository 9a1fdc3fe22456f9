package dev.berth.engine.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/** What every pull checks in the manifests a registry serves, whichever client fetched them. */
final class ServedManifests {

    static final Set<String> LISTS = Set.of(
            "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json");
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final Set<String> MANIFESTS = Set.of(ImageManifest.OCI_MANIFEST, DOCKER_MANIFEST);

    private ServedManifests() {
    }

    /** A manifest asked for by digest must hash to that digest, whatever the registry says. */
    static void checkServed(byte[] raw, String expected) throws BlobCorruptException {
        String served = Digests.of(OciLayout.sha256().digest(raw));
        if (!served.equals(expected)) {
            throw new BlobCorruptException(expected, "was served by the registry as content with digest " + served);
        }
    }

    static String amd64Instance(String reference, JsonNode list) throws ImageFormatException {
        StringBuilder platforms = new StringBuilder();
        for (JsonNode entry : list.path("manifests")) {
            JsonNode platform = entry.path("platform");
            if (platform.path("os").asText().equals("linux") && platform.path("architecture").asText().equals("amd64")) {
                return entry.path("digest").asText();
            }
            platforms.append(platforms.isEmpty() ? "" : ", ").append(platform.path("os").asText()).append('/').append(platform.path("architecture").asText());
        }
        throw new ImageFormatException("image " + reference + " has no linux/amd64 variant (it has " + platforms
                + "): this host runs linux/amd64 images only");
    }

    /** Schema 1 and anything else but OCI and Docker schema 2 manifests is refused. */
    static void checkTaken(String reference, JsonNode manifest) throws ImageFormatException {
        if (!MANIFESTS.contains(mediaType(manifest))) {
            throw new ImageFormatException("image " + reference + " has a manifest of type " + mediaType(manifest)
                    + ", which this platform does not take: push it again with a current tool (OCI or Docker schema 2)");
        }
    }

    /** OCI makes the field optional; without it, an index is told from a manifest by its shape. */
    static String mediaType(JsonNode manifest) {
        if (manifest.hasNonNull("mediaType")) {
            return manifest.path("mediaType").asText();
        }
        return manifest.has("manifests") ? "application/vnd.oci.image.index.v1+json" : ImageManifest.OCI_MANIFEST;
    }
}
