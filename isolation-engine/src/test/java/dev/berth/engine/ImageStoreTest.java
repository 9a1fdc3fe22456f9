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
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    /**
     * Images built FROM scratch or assembled by hand often lack /proc, /sys, /dev and /tmp. The
     * runtime would make them in the shared tree at each job's start, and two jobs starting
     * together raced on that mkdir (seen with two claimers of a freshly fetched image); the store
     * adds them once, before the tree is visible, and jobs starting together on it all run.
     */
    @Test
    void anImageWithoutMountPointsGetsThemOnceAndJobsStartingTogetherAllRun() throws Exception {
        Path bare = Files.createDirectories(temp.resolve("bare"));
        Path busyboxRoot = Path.of("/var/lib/berth/images/busybox/rootfs");
        for (String kept : List.of("bin", "etc")) {
            Files.copy(busyboxRoot.resolve(kept), bare.resolve(kept));
            try (Stream<Path> files = Files.list(busyboxRoot.resolve(kept))) {
                for (Path file : files.toList()) {
                    Files.copy(file, bare.resolve(kept).resolve(file.getFileName()), LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
        assertThat(bare.resolve("proc")).doesNotExist();
        PreparedImage image = library.importRootfsTar(new ByteArrayInputStream(TestLayers.tarOf(bare)));
        Path rootfs = library.resolve("bare@" + image.digest()).orElseThrow().rootfs();
        assertThat(List.of("proc", "dev", "sys", "tmp")).as("in the tree before any job starts")
                .allSatisfy(point -> assertThat(rootfs.resolve(point)).isDirectory());

        List<Future<Finished>> jobs = new ArrayList<>();
        try (ExecutorService starts = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 4; i++) {
                int job = i;
                jobs.add(starts.submit(() -> run(plan(shellIn("bare@" + image.digest(), "echo ran " + job), 10 + job))));
            }
        }
        for (int i = 0; i < jobs.size(); i++) {
            Finished finished = jobs.get(i).get();
            assertThat(finished.outcome().exitCode()).as("job %d: %s", i, finished.outcome()).hasValue(0);
            assertThat(finished.stdout()).isEqualTo("ran " + i + "\n");
        }
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
