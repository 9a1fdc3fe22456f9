package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.engine.image.LayerRejectedException;
import dev.berth.engine.image.LayerUnpacker;
import dev.berth.engine.testing.TestLayers;
import dev.berth.engine.testing.TestLayers.Layer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Image layers are unpacked once, by the service user, so a hostile layer must write nothing
 * outside the image root; whiteouts and opaque directories apply as the OCI image spec says; and
 * a root filesystem unpacked from layers runs as a real job.
 */
class LayerUnpackingTest extends EngineTestSupport {

    private static final long LIMIT = 1 << 20;
    private Path rootfs;
    private Path outside;

    @BeforeEach
    void directories() throws IOException {
        rootfs = Files.createDirectories(temp.resolve("images/layered/rootfs"));
        outside = Files.createDirectories(temp.resolve("images/outside"));
    }

    @Test
    void hostileEntriesAreRefusedAndWriteNothingOutside() throws Exception {
        List<Consumer<Layer>> hostile = List.of(
                layer -> layer.file("../outside/evil", "x"),
                layer -> layer.file("/etc/evil", "x"),
                layer -> layer.symlink("up", "../../outside"),
                layer -> layer.symlink("root", "/").file("root/outside/evil", "x"),
                layer -> layer.dir("d").symlink("d/escape", "../../outside").file("d/escape/evil", "x"),
                layer -> layer.hardlink("stolen", "../outside/secret"),
                layer -> layer.file("bomb", "0".repeat((int) LIMIT + 1)),
                // A directory the unpacker already made, replaced by a symlink: later entries must not pass through it.
                layer -> layer.dir("d").file("d/x", "1").symlink("d", outside.toString()).file("d/evil", "x"),
                layer -> layer.dir("d").dir("d/e").file("d/e/x", "1").symlink("d", outside.toString()).file("d/e/evil", "x"),
                layer -> layer.dir("d").file("d/x", "1").file(".wh.d", "").symlink("d", outside.toString()).file("d/evil", "x"),
                layer -> layer.dir("d").file("d/x", "1").file("d", "now a file").symlink("d", outside.toString()).file("d/evil", "x"),
                // ".wh..." would whiteout the directory above the root.
                layer -> layer.file(".wh...", ""));
        Files.writeString(outside.resolve("secret"), "host data");

        for (Consumer<Layer> build : hostile) {
            Layer layer = new Layer();
            build.accept(layer);
            assertThatThrownBy(() -> LayerUnpacker.apply(layer.stream(), rootfs, LIMIT)).isInstanceOf(LayerRejectedException.class)
                    .hasMessageContaining("refused");
            try (Stream<Path> files = Files.list(outside)) {
                assertThat(files.map(path -> path.getFileName().toString())).containsExactly("secret");
            }
            assertThat(Files.readString(outside.resolve("secret"))).isEqualTo("host data");
            assertThat(rootfs).isDirectory();
        }
    }

    @Test
    void whiteoutsRemoveAndOpaqueDirectoriesHideWhatLowerLayersPutThere() throws Exception {
        LayerUnpacker.apply(new Layer().dir("a").file("a/x", "1").file("a/y", "2").dir("b").file("b/z", "3").stream(), rootfs, LIMIT);
        LayerUnpacker.apply(new Layer().file("a/.wh..wh..opq", "").file("a/new", "4").file("b/.wh.z", "").stream(), rootfs, LIMIT);

        try (Stream<Path> a = Files.list(rootfs.resolve("a")); Stream<Path> b = Files.list(rootfs.resolve("b"))) {
            assertThat(a.map(path -> path.getFileName().toString())).containsExactly("new");
            assertThat(b).isEmpty();
        }
    }

    @Test
    void deviceNodesAreDroppedAndSetuidBitsCleared() throws Exception {
        Layer layer = new Layer().file("bin/tool", "#!/bin/sh", 04755).device("dev/sda", TarConstants.LF_BLK).device("dev/mem", TarConstants.LF_CHR);

        LayerUnpacker.Report report = LayerUnpacker.apply(layer.stream(), rootfs, LIMIT);

        assertThat(report.droppedSpecialFiles()).isEqualTo(2);
        assertThat(report.privilegeBitsCleared()).isEqualTo(1);
        assertThat(rootfs.resolve("dev/sda")).doesNotExist();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(rootfs.resolve("bin/tool")))).isEqualTo("rwxr-xr-x");
    }

    @Test
    void aRootFilesystemUnpackedFromALayerRunsAsAJob() throws Exception {
        LayerUnpacker.apply(new ByteArrayInputStream(TestLayers.tarOf(Path.of("/var/lib/berth/images/busybox/rootfs"))), rootfs, 64L << 20);
        Files.writeString(rootfs.getParent().resolve("digest"), "sha256:" + "1".repeat(64) + "\n");
        assertThat(Files.isSymbolicLink(rootfs.resolve("bin/sh"))).isTrue();

        engine.close();
        config = new EngineConfig(CRUN, temp.resolve("layered-engine"), temp.resolve("images"), CGROUP_PARENT, 1 << 20, Duration.ofSeconds(2));
        engine = IsolationEngine.create(config);
        Finished finished = run(plan(new dev.berth.policy.JobRequest("layered", List.of("sh", "-c", "echo from the layer; id -u"),
                null, null, null, null, null, null, null, null, null), 1));

        assertThat(finished.outcome().succeeded()).as(finished.stderr()).isTrue();
        assertThat(finished.stdout()).isEqualTo("from the layer\n1000\n");
    }
}
