package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.engine.image.BlobCorruptException;
import dev.berth.engine.image.FileTrees;
import dev.berth.engine.image.ImageLibrary;
import dev.berth.engine.image.OciLayout;
import dev.berth.engine.image.PreparedImage;
import dev.berth.engine.image.PullProgress;
import dev.berth.engine.testing.TestImageBuilder.Platform;
import dev.berth.engine.testing.TestLayers.Layer;
import dev.berth.engine.testing.TestRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Images come from a real registry (Debian's docker-registry on loopback), built in the test from
 * busybox-static plus files and pushed with skopeo: pulled by tag or digest, through the bearer
 * token flow where the registry demands it, a manifest list
 * resolved to linux/amd64, layers the store holds never fetched again, every blob checked against
 * its digest, hostile layers refused with nothing written outside the store.
 */
class RegistryPullTest extends RegistryTestSupport {

    @Test
    void aPulledImageRunsAndASecondPullTransfersNoLayer() throws Exception {
        byte[] app = new Layer().dir("etc").file("etc/greeting", "hello from the registry\n").bytes();
        OciLayout.Descriptor manifest = builder.image("linux", "amd64", List.of(busybox, app));
        builder.tag("1.0", manifest, false);
        builder.push("1.0", registry.host() + "/team/app:1.0");
        List<PullProgress> progress = new ArrayList<>();

        PreparedImage first = library.pull(registry.host() + "/team/app:1.0", progress::add);
        PreparedImage second = library.pull(registry.host() + "/team/app:1.0", update -> { });

        assertThat(first.digest()).isEqualTo(manifest.digest()).isEqualTo(first.sourceDigest());
        assertThat(first.layers()).isEqualTo(2);
        assertThat(first.transferredBytes()).isEqualTo(first.sizeBytes()).isPositive();
        assertThat(progress).extracting(PullProgress::phase).containsSubsequence("RESOLVING", "COPYING", "UNPACKING");
        assertThat(progress.getLast().layersCopied()).isEqualTo(2);
        assertThat(second.digest()).isEqualTo(first.digest());
        assertThat(second.transferredBytes()).isZero();
        for (String layer : builder.layerDigests(manifest)) {
            assertThat(registry.blobDownloads("team/app", layer)).as("downloads of layer " + layer).isEqualTo(1);
        }
        Finished job = run(plan(shellIn(registry.host() + "/team/app:1.0@" + first.digest(), "cat /etc/greeting"), 1));
        assertThat(job.outcome().succeeded()).as(job.stderr()).isTrue();
        assertThat(job.stdout()).isEqualTo("hello from the registry\n");
        assertThat(job.outcome().imageDigest()).isEqualTo(first.digest());
    }

    @Test
    void aManifestListResolvesToLinuxAmd64AndAPullByDigestGetsExactlyThatImage() throws Exception {
        OciLayout.Descriptor arm = builder.image("linux", "arm64", List.of(busybox, new Layer().file("arch", "arm64\n").bytes()));
        OciLayout.Descriptor amd = builder.image("linux", "amd64", List.of(busybox, new Layer().file("arch", "amd64\n").bytes()));
        OciLayout.Descriptor list = builder.index(List.of(new Platform(arm, "linux", "arm64"), new Platform(amd, "linux", "amd64")));
        builder.tag("multi", list, true);
        builder.push("multi", registry.host() + "/team/multi:1");

        PreparedImage byTag = library.pull(registry.host() + "/team/multi:1", update -> { });
        PreparedImage byDigest = library.pull(registry.host() + "/team/multi@" + list.digest(), update -> { });

        assertThat(byTag.digest()).isEqualTo(amd.digest());
        assertThat(byDigest.digest()).isEqualTo(amd.digest());
        assertThat(run(plan(shellIn("multi@" + byTag.digest(), "cat /arch"), 1)).stdout()).isEqualTo("amd64\n");
        assertThatThrownBy(() -> library.pull(registry.host() + "/team/multi@sha256:" + "0".repeat(64), update -> { }))
                .hasMessageContaining("skopeo inspect failed");
    }

    @Test
    void aRegistryThatDemandsBearerTokensIsPulledFromThroughItsTokenService() throws Exception {
        try (TestRegistry guarded = TestRegistry.startWithTokenAuth(temp.resolve("guarded"))) {
            HttpResponse<Void> anonymous = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://" + guarded.host() + "/v2/")).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer realm=");
            builder.tag("1", builder.image("linux", "amd64", List.of(busybox, new Layer().file("door", "opened with a token\n").bytes())), false);
            builder.push("1", guarded.host() + "/team/guarded:1");
            int tokensBefore = guarded.tokensIssued();

            PreparedImage image = imageLibrary(Set.of(guarded.host()), MAX_IMAGE_BYTES).pull(guarded.host() + "/team/guarded:1", update -> { });

            assertThat(guarded.tokensIssued()).as("the pull asked the token service").isGreaterThan(tokensBefore);
            assertThat(run(plan(shellIn("guarded@" + image.digest(), "cat /door"), 1)).stdout()).isEqualTo("opened with a token\n");
        }
    }

    /** Jobs pinned at admission name the registry's digest; the store keeps the manifest skopeo converted to OCI. */
    @Test
    void aDockerManifestResolvesByTheRegistrysDigestAfterConversionAndIsKeptByIt() throws Exception {
        builder.tag("1", builder.image("linux", "amd64", List.of(busybox, new Layer().file("format", "docker\n").bytes())), false);
        builder.pushAsDocker("1", registry.host() + "/team/docker:1");

        PreparedImage image = library.pull(registry.host() + "/team/docker:1", Optional.empty(), update -> { });
        String pinned = registry.host() + "/team/docker:1@" + image.sourceDigest();

        assertThat(image.digest()).as("converted to OCI in the store").isNotEqualTo(image.sourceDigest());
        assertThat(library.resolve(pinned)).get().extracting(resolved -> resolved.digest()).isEqualTo(image.sourceDigest());
        assertThat(run(plan(shellIn(pinned, "cat /format"), 1)).stdout()).isEqualTo("docker\n");
        library.collectGarbage(Set.of(image.sourceDigest()), Duration.ZERO);
        assertThat(library.resolve(pinned)).as("a job naming the registry's digest keeps the converted image").isPresent();
        library.collectGarbage(Set.of(), Duration.ZERO);
        assertThat(library.resolve(pinned)).isEmpty();
    }

    @Test
    void aRegistryIsReachedOverPlainHttpOnlyWhenConfiguredSo() throws Exception {
        builder.tag("1", builder.image("linux", "amd64", List.of(busybox)), false);
        builder.push("1", registry.host() + "/team/plain:1");

        ImageLibrary strict = imageLibrary(Set.of(), MAX_IMAGE_BYTES);

        assertThatThrownBy(() -> strict.pull(registry.host() + "/team/plain:1", update -> { }))
                .hasMessageContaining("HTTP response to HTTPS client");
    }

    @Test
    void anOciArchiveIsImportedAndRuns() throws Exception {
        OciLayout.Descriptor manifest = builder.image("linux", "amd64", List.of(busybox, new Layer().file("origin", "archive\n").bytes()));
        builder.tag("v1", manifest, false);
        Path archive = builder.archive("v1", temp.resolve("image.tar"));

        PreparedImage imported;
        try (var body = Files.newInputStream(archive)) {
            imported = library.importOciArchive(body);
        }

        assertThat(imported.digest()).isEqualTo(manifest.digest());
        assertThat(imported.transferredBytes()).isEqualTo(Files.size(archive));
        assertThat(run(plan(shellIn("archived@" + imported.digest(), "cat /origin"), 1)).stdout()).isEqualTo("archive\n");
    }

    @Test
    void aCorruptStoredLayerIsRefusedAndFetchedAgainByTheNextPull() throws Exception {
        OciLayout.Descriptor manifest = builder.image("linux", "amd64", List.of(busybox));
        builder.tag("1", manifest, false);
        builder.push("1", registry.host() + "/team/fragile:1");
        PreparedImage image = library.pull(registry.host() + "/team/fragile:1", update -> { });
        String layer = builder.layerDigests(manifest).getFirst();
        Path blob = temp.resolve("store/oci/blobs/sha256").resolve(layer.substring(7));
        byte[] tampered = Files.readAllBytes(blob);
        tampered[tampered.length / 2] ^= 1;
        Files.write(blob, tampered);
        FileTrees.remove(temp.resolve("store/rootfs").resolve(image.digest().substring(7)));

        assertThatThrownBy(() -> library.pull(registry.host() + "/team/fragile:1", update -> { }))
                .isInstanceOf(BlobCorruptException.class).hasMessageContaining(layer).hasMessageContaining("pull or import it again");
        assertThat(library.resolve("fragile@" + image.digest())).isEmpty();

        PreparedImage healed = library.pull(registry.host() + "/team/fragile:1", update -> { });
        assertThat(healed.transferredBytes()).isEqualTo(healed.sizeBytes());
        assertThat(run(plan(shellIn("fragile@" + healed.digest(), "echo healed"), 1)).stdout()).isEqualTo("healed\n");
    }

    @Test
    void hostileLayersAreRefusedWithTheReasonAndWriteNothingOutsideTheStore() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "host file\n");
        byte[] bomb = new byte[(int) MAX_IMAGE_BYTES + 1];
        List<Hostile> layers = List.of(
                new Hostile("traversal", new Layer().file("../../outside/pwned", "x").bytes(), "climbs with '..'"),
                new Hostile("absolute", new Layer().file(outside + "/pwned", "x").bytes(), "absolute path"),
                new Hostile("symlink", new Layer().symlink("escape", outside.toString()).file("escape/pwned", "x").bytes(), "passes through the symlink"),
                new Hostile("relative-symlink", new Layer().symlink("up", "../../../../../../outside").bytes(), "climbs out of the image root"),
                new Hostile("hardlink", new Layer().hardlink("stolen", outside + "/secret").bytes(), "absolute path"),
                new Hostile("bomb", new Layer().file("zeros", new String(bomb)).bytes(), "more than the limit"));

        for (Hostile hostile : layers) {
            builder.tag(hostile.name(), builder.image("linux", "amd64", List.of(busybox, hostile.layer())), false);
            builder.push(hostile.name(), registry.host() + "/hostile/" + hostile.name() + ":1");

            assertThatThrownBy(() -> library.pull(registry.host() + "/hostile/" + hostile.name() + ":1", update -> { }))
                    .as(hostile.name()).hasMessageContaining(hostile.reason()).hasMessageContaining("hostile or broken");
        }

        try (Stream<Path> left = Files.list(outside)) {
            assertThat(left.map(path -> path.getFileName().toString())).containsExactly("secret");
        }
        assertThat(Files.readString(outside.resolve("secret"))).isEqualTo("host file\n");
        try (Stream<Path> trees = Files.list(temp.resolve("store/rootfs"))) {
            assertThat(trees).as("no tree, finished or half unpacked, is left of a hostile image").isEmpty();
        }
    }

    private record Hostile(String name, byte[] layer, String reason) {
    }


}
