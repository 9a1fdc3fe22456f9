package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.engine.image.GarbageReport;
import dev.berth.engine.image.ImageLibrary;
import dev.berth.engine.image.PreparedImage;
import dev.berth.engine.testing.TestLayers;
import dev.berth.engine.testing.TestLayers.Layer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The content-addressed image store: a root filesystem tar imported like {@code docker import}
 * gets a digest from its content, is unpacked once and shared by every job, and goes when garbage
 * collection finds nothing using it.
 */
class ImageStoreTest extends EngineTestSupport {

    private static final long MAX_IMAGE_BYTES = 64L << 20;
    private ImageLibrary library;
    private byte[] busybox;

    @BeforeEach
    void library() throws IOException {
        library = imageLibrary(Set.of(), MAX_IMAGE_BYTES);
        engine.close();
        engine = IsolationEngine.create(config, library);
        busybox = TestLayers.tarOf(Path.of("/var/lib/berth/images/busybox/rootfs"));
    }

    @Test
    void aRootFilesystemTarIsStoredByContentUnpackedOnceAndRunsAsAJob() throws Exception {
        PreparedImage first = library.importRootfsTar(new ByteArrayInputStream(busybox));
        PreparedImage again = library.importRootfsTar(new ByteArrayInputStream(busybox));

        assertThat(again.digest()).isEqualTo(first.digest()).startsWith("sha256:");
        assertThat(first.layers()).isEqualTo(1);
        assertThat(first.transferredBytes()).isEqualTo(busybox.length);
        assertThat(rootFilesystems()).containsExactly(first.digest().substring("sha256:".length()));
        Path shared = library.resolve("imported@" + first.digest()).orElseThrow().rootfs();
        assertThat(library.resolve("other-name@" + first.digest()).orElseThrow().rootfs()).isEqualTo(shared);

        Finished one = run(plan(shellIn("imported@" + first.digest(), "echo ran; touch /bin/x 2>&1 || true"), 1));
        Finished two = run(plan(shellIn("imported@" + first.digest(), "ls /bin/x 2>&1 || echo absent"), 2));

        assertThat(one.outcome().imageDigest()).isEqualTo(first.digest());
        assertThat(one.stdout()).startsWith("ran\n").contains("Read-only file system");
        assertThat(two.stdout()).contains("absent");
        assertThat(rootFilesystems()).as("jobs share the unpacked tree; none gets a copy").hasSize(1);
    }

    @Test
    void garbageCollectionRemovesWhatNothingUsesAndKeepsWhatIsLive() throws Exception {
        PreparedImage kept = library.importRootfsTar(new ByteArrayInputStream(busybox));
        PreparedImage unused = library.importRootfsTar(new ByteArrayInputStream(new Layer().dir("data").file("data/x", "x").bytes()));

        GarbageReport report = library.collectGarbage(Set.of(kept.digest()), Duration.ZERO);

        assertThat(report.rootFilesystemsRemoved()).isEqualTo(1);
        assertThat(report.blobsRemoved()).isEqualTo(3);
        assertThat(rootFilesystems()).containsExactly(kept.digest().substring(7));
        assertThat(library.resolve("x@" + unused.digest())).isEmpty();
        assertThat(run(plan(shellIn("kept@" + kept.digest(), "echo still runs"), 1)).stdout()).isEqualTo("still runs\n");
        assertThat(library.collectGarbage(Set.of(), Duration.ofHours(1)).blobsRemoved())
                .as("nothing younger than the grace period goes, so an image being pulled is never collected").isZero();
    }

    private List<String> rootFilesystems() throws IOException {
        try (Stream<Path> trees = Files.list(temp.resolve("store/rootfs"))) {
            return trees.map(tree -> tree.getFileName().toString()).toList();
        }
    }

}
