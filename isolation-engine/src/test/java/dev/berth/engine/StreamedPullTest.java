package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.engine.image.BlobCorruptException;
import dev.berth.engine.image.FileTrees;
import dev.berth.engine.image.OciLayout;
import dev.berth.engine.image.PreparedImage;
import dev.berth.engine.image.PullProgress;
import dev.berth.engine.testing.TestLayers.Layer;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A pull with a registry token streams each layer from a real registry into the unpacker while it
 * downloads: the image runs, its blobs are in the store as they passed, a Docker manifest is
 * stored as OCI and resolves by the registry's digest, and a layer that does not match its digest
 * or breaks the hostile-layer rules leaves no tree, no blob and no temporary file behind. The
 * registry here needs no token, so any token passes; the token flow is the platform's
 * (TenantRegistryTest).
 */
class StreamedPullTest extends RegistryTestSupport {

    private static final Optional<String> TOKEN = Optional.of("any");

    @Test
    void aStreamedImageRunsKeepsItsBlobsAndIsNotDownloadedAgain() throws Exception {
        OciLayout.Descriptor manifest = builder.image("linux", "amd64",
                List.of(busybox, new Layer().dir("etc").file("etc/greeting", "streamed\n").bytes()));
        builder.tag("1", manifest, false);
        builder.push("1", registry.host() + "/team/streamed:1");
        List<PullProgress> progress = new ArrayList<>();

        PreparedImage image = library.pull(registry.host() + "/team/streamed@" + manifest.digest(), TOKEN, progress::add);

        assertThat(image.digest()).isEqualTo(manifest.digest()).isEqualTo(image.sourceDigest());
        assertThat(image.transferredBytes()).isEqualTo(image.sizeBytes()).isPositive();
        assertThat(progress).extracting(PullProgress::phase).containsSubsequence("RESOLVING", "STREAMING");
        assertThat(run(plan(shellIn("streamed@" + image.digest(), "cat /etc/greeting"), 1)).stdout()).isEqualTo("streamed\n");
        OciLayout store = OciLayout.open(temp.resolve("store/oci"), new ObjectMapper());
        for (String layer : builder.layerDigests(manifest)) {
            assertThat(store.has(layer) && store.matches(layer)).as("layer " + layer + " kept as it streamed past").isTrue();
            assertThat(registry.blobDownloads("team/streamed", layer)).isEqualTo(1);
        }
        assertThat(blobNames()).noneMatch(name -> name.startsWith("."));

        FileTrees.remove(temp.resolve("store/rootfs").resolve(image.digest().substring(7)));
        PreparedImage again = library.pull(registry.host() + "/team/streamed@" + manifest.digest(), TOKEN, update -> { });
        assertThat(again.transferredBytes()).as("every layer was in the store").isZero();
        for (String layer : builder.layerDigests(manifest)) {
            assertThat(registry.blobDownloads("team/streamed", layer)).isEqualTo(1);
        }
        assertThat(run(plan(shellIn("streamed@" + again.digest(), "cat /etc/greeting"), 1)).stdout()).isEqualTo("streamed\n");
    }

    @Test
    void aDockerManifestIsStoredAsOciAndResolvesByTheRegistrysDigest() throws Exception {
        builder.tag("1", builder.image("linux", "amd64", List.of(busybox, new Layer().file("format", "docker\n").bytes())), false);
        builder.pushAsDocker("1", registry.host() + "/team/docker:1");

        PreparedImage image = library.pull(registry.host() + "/team/docker:1", TOKEN, update -> { });
        String pinned = registry.host() + "/team/docker:1@" + image.sourceDigest();

        assertThat(image.digest()).as("converted to OCI in the store").isNotEqualTo(image.sourceDigest());
        assertThat(library.resolve(pinned)).get().extracting(resolved -> resolved.digest()).isEqualTo(image.sourceDigest());
        assertThat(run(plan(shellIn(pinned, "cat /format"), 1)).stdout()).isEqualTo("docker\n");
    }

    /** A flipped bit breaks the decompression before the digest is reached. */
    @Test
    void aLayerTheRegistryServesCorruptFailsThePullAndLeavesNothing() throws Exception {
        assertATamperedLayerLeavesNothing("corrupt", served -> {
            served[served.length - 12] ^= 1;
            return served;
        });
    }

    /** Another valid layer unpacks to its end; only the digests tell. */
    @Test
    void aLayerTheRegistryServesSwappedFailsThePullAndLeavesNothing() throws Exception {
        assertATamperedLayerLeavesNothing("swapped", served -> {
            ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
                out.write(new Layer().file("honest", "no\n").bytes());
            }
            return gzipped.toByteArray();
        });
    }

    private interface Tampering {
        byte[] apply(byte[] served) throws Exception;
    }

    private void assertATamperedLayerLeavesNothing(String tag, Tampering tampering) throws Exception {
        OciLayout.Descriptor manifest = builder.image("linux", "amd64", List.of(busybox, new Layer().file("honest", "yes\n").bytes()));
        builder.tag(tag, manifest, false);
        builder.push(tag, registry.host() + "/team/tampered:1");
        String layer = builder.layerDigests(manifest).getLast();
        Path data = temp.resolve("registry/storage/docker/registry/v2/blobs/sha256").resolve(layer.substring(7, 9)).resolve(layer.substring(7)).resolve("data");
        Files.write(data, tampering.apply(Files.readAllBytes(data)));

        assertThatThrownBy(() -> library.pull(registry.host() + "/team/tampered@" + manifest.digest(), TOKEN, update -> { }))
                .isInstanceOf(BlobCorruptException.class).hasMessageContaining("tampered with");

        assertThat(library.resolve("tampered@" + manifest.digest())).isEmpty();
        try (Stream<Path> trees = Files.list(temp.resolve("store/rootfs"))) {
            assertThat(trees).as("no tree, finished or half unpacked").isEmpty();
        }
        assertThat(blobNames()).doesNotContain(layer.substring(7)).noneMatch(name -> name.startsWith("."));
    }

    @Test
    void aHostileStreamedLayerIsRefusedWithTheReasonAndLeavesNothing() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        byte[] hostile = new Layer().file("../../outside/pwned", "x").bytes();
        OciLayout.Descriptor manifest = builder.image("linux", "amd64", List.of(busybox, hostile));
        builder.tag("1", manifest, false);
        builder.push("1", registry.host() + "/hostile/traversal:1");

        assertThatThrownBy(() -> library.pull(registry.host() + "/hostile/traversal@" + manifest.digest(), TOKEN, update -> { }))
                .hasMessageContaining("climbs with '..'");

        try (Stream<Path> left = Files.list(outside)) {
            assertThat(left).isEmpty();
        }
        try (Stream<Path> trees = Files.list(temp.resolve("store/rootfs"))) {
            assertThat(trees).isEmpty();
        }
        assertThat(blobNames()).doesNotContain(builder.layerDigests(manifest).getLast().substring(7)).noneMatch(name -> name.startsWith("."));
    }

    private List<String> blobNames() throws Exception {
        try (Stream<Path> blobs = Files.list(temp.resolve("store/oci/blobs/sha256"))) {
            return blobs.map(blob -> blob.getFileName().toString()).toList();
        }
    }
}
