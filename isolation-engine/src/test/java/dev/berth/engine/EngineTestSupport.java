package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.engine.cgroup.CgroupDriver;
import dev.berth.engine.host.HostIdentity;
import dev.berth.engine.host.SubordinateIds;
import dev.berth.engine.image.DirectoryImageStore;
import dev.berth.engine.image.ImageLibrary;
import dev.berth.engine.network.EgressSettings;
import dev.berth.engine.runtime.CliOciRuntime;
import dev.berth.policy.Admission;
import dev.berth.policy.AdmissionContext;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.IdRange;
import dev.berth.policy.JobAdmission;
import dev.berth.policy.JobRequest;
import dev.berth.policy.PlatformCeilings;
import dev.berth.policy.ResourceRequest;
import dev.berth.policy.ServiceIdentity;
import dev.berth.policy.data.ArtifactRequest;
import dev.berth.policy.data.DataCeilings;
import dev.berth.policy.data.JobInputs;
import dev.berth.policy.data.JobStdin;
import dev.berth.policy.data.SecretReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared base of the engine's feature tests: a real engine on the prepared host, running real
 * containers. An unprepared host fails every test with the fix; nothing is skipped.
 */
abstract class EngineTestSupport {

    static final Path CRUN = Path.of("/usr/bin/crun");
    static final String CGROUP_PARENT = "/berth";

    @TempDir
    Path temp;
    IsolationEngine engine;
    EngineConfig config;

    @BeforeEach
    void startEngine() throws IOException {
        config = new EngineConfig(CRUN, temp.resolve("engine"), TestImages.directory(), CGROUP_PARENT, 1024 * 1024, Duration.ofSeconds(2));
        engine = IsolationEngine.create(config);
        assertThat(engine.readinessProblems())
                .as("the host must be prepared for rootless jobs (scripts/host-setup.sh as root; ./berth test does it)")
                .isEmpty();
    }

    @AfterEach
    void stopEngine() {
        engine.close();
    }

    /** The n-th tenant range of this host's subordinate ID block. */
    static IdRange tenantRange(int slot) throws IOException {
        SubordinateIds block = SubordinateIds.of(Path.of("/etc/subuid"), HostIdentity.current()).orElseThrow();
        return new IdRange(block.start() + (long) slot * IdRange.TENANT_RANGE_SIZE, IdRange.TENANT_RANGE_SIZE);
    }

    static ExecutionPlan plan(JobRequest request, int tenantSlot) throws IOException {
        return plan(request, tenantSlot, DataCeilings.defaults());
    }

    /** The plan under other caps on stdin, inputs, artifacts and secrets. */
    static ExecutionPlan plan(JobRequest request, int tenantSlot, DataCeilings dataCeilings) throws IOException {
        HostIdentity self = HostIdentity.current();
        AdmissionContext context = new AdmissionContext("tenant-" + tenantSlot, tenantRange(tenantSlot),
                new ServiceIdentity(self.uid(), self.gid()));
        Admission admission = new JobAdmission(PlatformCeilings.defaults(), dataCeilings).admit(request, context);
        assertThat(admission).isInstanceOf(Admission.Admitted.class);
        return ((Admission.Admitted) admission).plan();
    }

    static JobRequest shell(String script) {
        return shellIn("busybox", script);
    }

    /** A shell script run in the named image. */
    static JobRequest shellIn(String image, String script) {
        return new JobRequest(image, List.of("sh", "-c", script), null, null, null, null, null, null, null, null, null);
    }

    /** An image store under this test's directory, with the test images built in and the given plain-HTTP registries. */
    ImageLibrary imageLibrary(Set<String> plainHttpRegistries, long maxImageBytes) throws IOException {
        return ImageLibrary.open(new ImageLibrary.Settings(temp.resolve("store"), Path.of("/usr/bin/skopeo"), plainHttpRegistries,
                maxImageBytes, Duration.ofMinutes(2), Optional.empty()), new DirectoryImageStore(TestImages.directory()));
    }

    static JobRequest shell(String script, ResourceRequest resources, Integer timeoutSeconds) {
        return new JobRequest("busybox", List.of("sh", "-c", script), null, null, null, null, resources, timeoutSeconds, null, null, null);
    }

    /** A shell script with stdin, inputs, artifacts or secrets (each may be null), run with the given resources. */
    static JobRequest shellWith(String script, ResourceRequest resources, JobStdin stdin, JobInputs inputs, ArtifactRequest artifacts,
                                List<SecretReference> secrets) {
        return new JobRequest("busybox", List.of("sh", "-c", script), null, null, null, null, resources, null, null, null, null,
                stdin, inputs, artifacts, secrets);
    }

    /** The engine replaced by one with these egress settings (an uplink of the test's own, say). */
    IsolationEngine engineWith(EgressSettings settings) throws IOException {
        engine.close();
        engine = new IsolationEngine(config, new CliOciRuntime(CRUN, config.stateDir()), CgroupDriver.detect(CGROUP_PARENT),
                new DirectoryImageStore(TestImages.directory()), settings);
        return engine;
    }

    /** Runs a plan to its end and returns its outcome and captured output. */
    Finished run(ExecutionPlan plan) throws Exception {
        return run(plan, JobPayload.NONE);
    }

    /** Runs a plan with the bytes its data names. */
    Finished run(ExecutionPlan plan, JobPayload payload) throws Exception {
        Path logs = Files.createDirectories(temp.resolve("logs-" + System.nanoTime()));
        RunningJob job = engine.start(plan, logs, payload);
        // A guard against a hang, not a timing check: in the emulated cgroup v2 guest on a loaded host
        // a memory hog took 72 s to be killed and reported.
        JobOutcome outcome = job.outcome().get(180, TimeUnit.SECONDS);
        // Reported before clean-up; the next test must not find this job's cgroup.
        job.released().get(180, TimeUnit.SECONDS);
        return new Finished(outcome, readIfWritten(logs.resolve("stdout.log")), readIfWritten(logs.resolve("stderr.log")));
    }

    /** A job refused before its container was created has no logs. */
    private static String readIfWritten(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    record Finished(JobOutcome outcome, String stdout, String stderr) {
    }
}
