package dev.berth.engine.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.ResourceRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The filesystem the spec describes, read from the JSON MountGenerator writes; nothing here runs a container. */
class MountGeneratorTest {

    private static final Path ROOTFS = SpecFixtures.IMAGE.rootfs();

    @Test
    void theRootIsTheSharedImageReadOnlyAndHookErrorsReachTheJobsStderr() {
        ObjectNode spec = generate(plan(null, null));

        assertThat(spec.at("/root/path").asText()).isEqualTo(ROOTFS.toString());
        assertThat(spec.at("/root/readonly").asBoolean()).isTrue();
        assertThat(spec.has("hooks")).as("the overlay root's hook is the start gate's (StartGateGenerator)").isFalse();
        assertThat(spec.at("/annotations/" + MountGenerator.HOOKS_STDERR_ANNOTATION).asText())
                .as("the hook's errors reach the runtime's stderr, the job's stderr log").isEqualTo("/proc/self/fd/2");
    }

    @Test
    void annotationsOtherGeneratorsWroteSurvive() {
        ObjectNode spec = SpecFixtures.MAPPER.createObjectNode();
        spec.withObject("/annotations").put("run.oci.seccomp_bpf_data", "AAAA");

        new MountGenerator().generate(context(plan(null, null)), spec);

        assertThat(spec.at("/annotations/run.oci.seccomp_bpf_data").asText()).isEqualTo("AAAA");
        assertThat(spec.at("/annotations/" + MountGenerator.HOOKS_STDERR_ANNOTATION).asText()).isEqualTo("/proc/self/fd/2");
    }

    @Test
    void kernelFileSystemsAreFreshAndSysfsAndTheCgroupViewReadOnly() {
        ObjectNode spec = generate(plan(null, null));

        assertThat(mount(spec, "/proc").get("type").asText()).isEqualTo("proc");
        assertThat(texts(mount(spec, "/proc").get("options"))).contains("nosuid", "noexec", "nodev");
        assertThat(mount(spec, "/dev").get("type").asText()).isEqualTo("tmpfs");
        assertThat(texts(mount(spec, "/dev").get("options"))).contains("nosuid", "size=65536k");
        assertThat(texts(mount(spec, "/dev/pts").get("options"))).contains("newinstance", "ptmxmode=0666");
        assertThat(texts(mount(spec, "/dev/shm").get("options"))).contains("noexec", "size=65536k");
        assertThat(mount(spec, "/dev/mqueue").get("type").asText()).isEqualTo("mqueue");
        assertThat(texts(mount(spec, "/sys").get("options"))).contains("ro", "nosuid", "noexec", "nodev");
        assertThat(mount(spec, "/sys/fs/cgroup").get("type").asText()).isEqualTo("cgroup");
        assertThat(texts(mount(spec, "/sys/fs/cgroup").get("options"))).contains("ro");
        assertThat(texts(spec.at("/linux/maskedPaths"))).containsExactlyElementsOf(MountGenerator.MASKED_PATHS)
                .contains("/proc/kcore", "/proc/keys", "/sys/firmware");
        assertThat(texts(spec.at("/linux/readonlyPaths"))).containsExactlyElementsOf(MountGenerator.READONLY_PATHS)
                .contains("/proc/sys", "/proc/sysrq-trigger", "/sys/fs/cgroup");
    }

    @Test
    void scratchAtTmpIsLimitedInBytesAndInodes() {
        ObjectNode spec = generate(plan(null, 32));

        long bytes = 32L << 20;
        assertThat(texts(mount(spec, "/tmp").get("options")))
                .contains("size=" + bytes, "nr_inodes=" + bytes / MountGenerator.SCRATCH_BYTES_PER_INODE, "mode=1777", "nosuid", "nodev");
        assertThat(destinations(spec)).containsExactly("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup", "/tmp");
    }

    @Test
    void aTinyScratchStillGetsTheMinimumInodes() {
        assertThat(texts(mount(generate(plan(null, 1)), "/tmp").get("options")))
                .contains("size=" + (1L << 20), "nr_inodes=" + MountGenerator.MIN_SCRATCH_INODES);
    }

    @Test
    void aWorkingDirectoryOutsideTmpGetsItsOwnScratchOwnedByTheJob() {
        ExecutionPlan plan = plan("/work", 16);
        ObjectNode spec = generate(plan);

        long bytes = 16L << 20;
        assertThat(mount(spec, "/work").get("type").asText()).isEqualTo("tmpfs");
        assertThat(texts(mount(spec, "/work").get("options"))).containsExactly("nosuid", "nodev", "mode=0700",
                "uid=" + plan.uid(), "gid=" + plan.gid(), "size=" + bytes, "nr_inodes=" + MountGenerator.MIN_SCRATCH_INODES);
        assertThat(destinations(generate(plan("/tmp/job", 16)))).as("a directory under /tmp shares its scratch").doesNotContain("/tmp/job");
    }

    @Test
    void noMountIsABindOfAHostPath() {
        ObjectNode spec = generate(plan("/work", null));

        for (JsonNode mount : spec.get("mounts")) {
            assertThat(mount.get("source").asText()).as("source of %s", mount).doesNotStartWith("/");
            assertThat(texts(mount.get("options"))).as("options of %s", mount).doesNotContain("bind", "rbind");
            assertThat(mount.get("type").asText()).as("type of %s", mount).isNotEqualTo("bind");
        }
    }

    private static ObjectNode generate(ExecutionPlan plan) {
        return SpecFixtures.generated(new MountGenerator(), context(plan));
    }

    private static BundleContext context(ExecutionPlan plan) {
        return SpecFixtures.context(plan);
    }

    private static ExecutionPlan plan(String workingDir, Integer scratchMiB) {
        return SpecFixtures.admitted(SpecFixtures.request(null, workingDir, null, new ResourceRequest(null, null, null, scratchMiB), "true"));
    }

    private static JsonNode mount(ObjectNode spec, String destination) {
        for (JsonNode mount : spec.get("mounts")) {
            if (mount.get("destination").asText().equals(destination)) {
                return mount;
            }
        }
        throw new AssertionError("no mount at " + destination + " in " + spec.get("mounts"));
    }

    private static List<String> destinations(ObjectNode spec) {
        List<String> destinations = new ArrayList<>();
        spec.get("mounts").forEach(mount -> destinations.add(mount.get("destination").asText()));
        return destinations;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(element -> texts.add(element.asText()));
        return texts;
    }
}
