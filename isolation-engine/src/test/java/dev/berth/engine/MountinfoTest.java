package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.engine.image.ImageLibrary;
import dev.berth.engine.image.PreparedImage;
import dev.berth.engine.network.EgressSettings;
import dev.berth.engine.testing.EgressLab;
import dev.berth.engine.testing.TestLayers;
import dev.berth.policy.JobRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A job learns nothing about where the host keeps its data from its mount table (invariant 8):
 * no field of /proc/self/mountinfo or /proc/1/mountinfo names the data directory, the image store,
 * the engine's state or bundle directories, the test's own directory or any other host path. The
 * root is a mount of its own (an overlay of the shared image), so its root field is "/" instead of
 * the image's path on the host.
 */
class MountinfoTest extends EngineTestSupport {

    private static final Path BUILT_IN_IMAGES = Path.of("/var/lib/berth/images");
    /** The device nodes a runtime must bind from the host's devtmpfs: a user namespace may not create them. */
    private static final Set<String> HOST_DEVICE_NODES = Set.of("/null", "/zero", "/full", "/tty", "/random", "/urandom");
    private static final String SCRIPT = "cat /proc/self/mountinfo; echo ===; cat /proc/1/mountinfo";

    @Test
    void aJobFromTheImageStoreSeesNeitherTheStoreNorTheEngineDirectories() throws Exception {
        ImageLibrary library = imageLibrary(Set.of(), 64L << 20);
        engine.close();
        engine = IsolationEngine.create(config, library);
        byte[] busybox = TestLayers.tarOf(BUILT_IN_IMAGES.resolve("busybox/rootfs"));
        PreparedImage stored = library.importRootfsTar(new ByteArrayInputStream(busybox));
        String image = "stored@" + stored.digest();

        assertNoHostPath(run(plan(scriptIn(image, "/tmp"), 1)), library.resolve(image).orElseThrow().rootfs());
    }

    @Test
    void aJobFromABuiltInImageWithItsOwnWorkingDirectorySeesNoHostPath() throws Exception {
        assertNoHostPath(run(plan(scriptIn("busybox", "/work"), 1)), BUILT_IN_IMAGES.resolve("busybox/rootfs").toRealPath());
    }

    @Test
    void aJobFromATestImageSeesNoHostPath() throws Exception {
        Path probe = TestImages.directory().resolve(TestImages.PROBE_IMAGE + "/rootfs").toRealPath();

        assertNoHostPath(run(plan(scriptIn(TestImages.PROBE_IMAGE, "/tmp"), 2)), probe);
    }

    @Test
    void anEgressJobSeesNoHostPathEither() throws Exception {
        engineWith(EgressSettings.host(List.of()).withUplink(EgressLab.serving(temp.resolve("www"))));
        Path probe = TestImages.directory().resolve(TestImages.PROBE_IMAGE + "/rootfs").toRealPath();
        JobRequest request = new JobRequest(TestImages.PROBE_IMAGE, List.of("sh", "-c", SCRIPT), null, "/tmp", null, null, null, null, null, null,
                "egress");

        assertNoHostPath(run(EgressNetworkTest.egressPlan(request, List.of(EgressNetworkTest.tcp("198.51.100.10", "8080")))), probe);
    }

    @Test
    void aJobUnderRuncSeesNoHostPathEither() throws Exception {
        engine.close();
        config = new EngineConfig(RuncRuntimeTest.RUNC, temp.resolve("runc-engine"), TestImages.directory(), CGROUP_PARENT,
                1024 * 1024, Duration.ofSeconds(2));
        engine = IsolationEngine.create(config);
        assertThat(engine.runtimeVersion()).startsWith("runc");

        assertNoHostPath(run(plan(scriptIn("busybox", "/work"), 1)), BUILT_IN_IMAGES.resolve("busybox/rootfs").toRealPath());
    }

    private static JobRequest scriptIn(String image, String workingDir) {
        return new JobRequest(image, List.of("sh", "-c", SCRIPT), null, workingDir, null, null, null, null, null, null, null);
    }

    private void assertNoHostPath(Finished finished, Path imageRootfs) throws IOException {
        assertThat(finished.outcome().exitCode()).as("%s %s", finished.outcome(), finished.stderr()).contains(0);
        String[] tables = finished.stdout().split("===\n", -1);
        assertThat(tables).as(finished.stdout()).hasSize(2);
        for (String table : tables) {
            List<Mount> mounts = table.lines().map(Mount::parse).toList();
            assertThat(mounts).extracting(Mount::point).as(table).contains("/", "/proc", "/dev", "/sys", "/tmp");
            assertThat(mounts).filteredOn(mount -> mount.point().equals("/")).singleElement().as(table).satisfies(root ->
                    assertThat(root.root()).as("the root is a mount of its own, not a bind of a host directory: %s", root.line()).isEqualTo("/"));
            for (Mount mount : mounts) {
                for (String path : hostPaths(imageRootfs)) {
                    assertThat(mount.revealed()).as("%s names host path %s", mount.line(), path).doesNotContain(path);
                }
                assertThat(mount.absoluteOptionValues()).as("super options of %s", mount.line()).isEmpty();
                assertThat(mount.source().startsWith("/") && !mount.source().equals(mount.point()))
                        .as("source of %s is a host path", mount.line()).isFalse();
                boolean ownRoot = mount.root().equals("/");
                boolean procEntry = mount.type().equals("proc") && mount.point().equals("/proc" + mount.root());
                boolean hostDevice = mount.type().equals("devtmpfs") && HOST_DEVICE_NODES.contains(mount.root());
                assertThat(ownRoot || procEntry || hostDevice)
                        .as("root field of %s is a path inside the host's file system", mount.line()).isTrue();
            }
        }
    }

    /** Every host directory the engine and this test used to set the job up, as given and resolved. */
    private Set<String> hostPaths(Path imageRootfs) throws IOException {
        Set<String> paths = new LinkedHashSet<>();
        for (Path path : List.of(temp, config.workDir(), config.stateDir(), config.bundlesDir(), config.imagesDir(),
                BUILT_IN_IMAGES, imageRootfs, Path.of("target").toAbsolutePath())) {
            paths.add(path.toString());
            paths.add(path.toRealPath().toString());
        }
        return paths;
    }

    /** One line of mountinfo (proc(5)): ID, parent, device, root, mount point, options, optional fields, "-", type, source, super options. */
    private record Mount(String line, String root, String point, String type, String source, String superOptions) {

        static Mount parse(String line) {
            String[] halves = line.split(" - ", 2);
            assertThat(halves).as("mountinfo line %s", line).hasSize(2);
            String[] before = halves[0].split(" ");
            String[] after = halves[1].split(" ");
            assertThat(before.length).as("mountinfo line %s", line).isGreaterThanOrEqualTo(6);
            assertThat(after).as("mountinfo line %s", line).hasSize(3);
            return new Mount(line, before[3], before[4], after[0], after[1], after[2]);
        }

        /** The fields that say where a mount comes from: its root within its file system, its source and its super options. */
        String revealed() {
            return root + " " + source + " " + superOptions;
        }

        List<String> absoluteOptionValues() {
            List<String> values = new ArrayList<>();
            for (String option : superOptions.split(",")) {
                String value = option.substring(option.indexOf('=') + 1);
                Arrays.stream(value.split(":")).filter(part -> part.startsWith("/")).forEach(values::add);
            }
            return values;
        }
    }
}
