package dev.berth.engine.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.policy.ImageReference;
import java.io.IOException;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Pulls from an OCI distribution (Docker Registry v2) registry into the store: resolves a
 * manifest list to linux/amd64, checks the digest of every manifest it reads, then lets skopeo
 * copy exactly that manifest by digest, so a tag moved during the pull cannot swap the image.
 * Layers the store already holds are not transferred again.
 */
final class RegistryPuller {

    private final Skopeo skopeo;
    private final OciLayout layout;
    private final ObjectMapper mapper;
    private final Set<String> plainHttpRegistries;

    RegistryPuller(Skopeo skopeo, OciLayout layout, ObjectMapper mapper, Set<String> plainHttpRegistries) {
        this.skopeo = skopeo;
        this.layout = layout;
        this.mapper = mapper;
        this.plainHttpRegistries = plainHttpRegistries;
    }

    /** Copies the image into the layout and answers its stored manifest digest and what was transferred. */
    Pulled pull(String reference, Consumer<PullProgress> progress) throws IOException {
        ImageReference parsed = ImageReference.parse(reference)
                .orElseThrow(() -> new ImageFormatException("'" + reference + "' is not an image reference: write [host[:port]/]path[:tag][@sha256:digest]"));
        progress.accept(PullProgress.resolving());
        boolean plainHttp = plainHttpRegistries.contains(registryOf(parsed.repository()));
        String target = parsed.digest() != null ? parsed.digest() : (parsed.tag() == null ? "latest" : parsed.tag());
        String separator = parsed.digest() != null ? "@" : ":";
        byte[] raw = skopeo.rawManifest(parsed.repository() + separator + target, plainHttp);
        String rawDigest = Digests.of(OciLayout.sha256().digest(raw));
        if (parsed.digest() != null) {
            ServedManifests.checkServed(raw, parsed.digest());
        }
        JsonNode manifest = mapper.readTree(raw);
        String instance = rawDigest;
        if (ServedManifests.LISTS.contains(ServedManifests.mediaType(manifest))) {
            instance = ServedManifests.amd64Instance(reference, manifest);
            raw = skopeo.rawManifest(parsed.repository() + "@" + instance, plainHttp);
            ServedManifests.checkServed(raw, instance);
            manifest = mapper.readTree(raw);
        }
        ServedManifests.checkTaken(reference, manifest);
        PullProgress[] current = {PullProgress.of("COPYING", manifest, layout)};
        progress.accept(current[0]);
        String transfer = "pull-" + UUID.randomUUID();
        skopeo.copy("docker://" + parsed.repository() + "@" + instance, plainHttp, "oci:" + layout.root() + ":" + transfer, line -> {
            if (line.startsWith("Copying blob")) {
                current[0] = current[0].layerCopied();
                progress.accept(current[0]);
            }
        });
        String stored = layout.manifestNamed(transfer)
                .orElseThrow(() -> new IOException("skopeo copied " + reference + " but recorded no manifest in " + layout.root()));
        progress.accept(current[0].phase("UNPACKING"));
        return new Pulled(stored, instance, current[0].bytesToTransfer());
    }

    /** The stored manifest, the registry's manifest for linux/amd64, and the layer bytes fetched. */
    record Pulled(String digest, String sourceDigest, long transferredBytes) {
    }

    /** The registry host as Docker reads it: a first component with a dot, a port, or localhost. */
    static String registryOf(String repository) {
        int slash = repository.indexOf('/');
        if (slash < 0) {
            return "docker.io";
        }
        String first = repository.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals("localhost") ? first : "docker.io";
    }
}
