package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.engine.cgroup.CgroupDriver;
import dev.berth.engine.cgroup.CgroupUsage;
import dev.berth.engine.cgroup.JobCgroup;
import dev.berth.engine.image.DirectoryImageStore;
import dev.berth.engine.runtime.CliOciRuntime;
import dev.berth.engine.runtime.OciRuntime;
import dev.berth.policy.Limits;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.engine.image.ResolvedImage;
import dev.berth.engine.spec.BundleContext;
import dev.berth.engine.spec.OciSpecBuilder;
import dev.berth.engine.spec.OverlayRoot;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.seccomp.SeccompProfiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The job's program runs only after its limits were seen in the kernel: when verification finds a
 * mismatch (as when a rootless runtime silently drops a limit) the container is refused and its
 * program never executes. The gate fails closed: in real containers of the engine's own spec, with
 * this test in the engine's place at the gate's FIFOs, any verdict but "go", an engine that goes
 * away at the gate, or no engine at all keeps the program from running.
 */
class StartGateTest extends EngineTestSupport {

    @Test
    void aLimitMissingInTheKernelStopsTheJobBeforeItsProgramRuns() throws Exception {
        CgroupDriver real = CgroupDriver.detect(CGROUP_PARENT);
        CgroupDriver droppingMemoryLimit = new CgroupDriver() {
            @Override
            public String version() {
                return real.version();
            }

            @Override
            public List<Path> delegatedDirs() {
                return real.delegatedDirs();
            }

            @Override
            public void removeLeftover(String name) {
                real.removeLeftover(name);
            }

            @Override
            public JobCgroup create(String name, Limits limits) {
                JobCgroup cgroup = real.create(name, limits);
                return new JobCgroup() {
                    @Override
                    public String runtimePath() {
                        return cgroup.runtimePath();
                    }

                    @Override
                    public List<String> verify(long pid, Limits planned) {
                        Limits other = new Limits(planned.cpuMillis(), planned.memoryBytes() * 2, planned.pids(),
                                planned.openFiles(), planned.scratchBytes());
                        return cgroup.verify(pid, other);
                    }

                    @Override
                    public CgroupUsage usage() {
                        return cgroup.usage();
                    }

                    @Override
                    public void close() {
                        cgroup.close();
                    }
                };
            }
        };
        try (IsolationEngine gated = new IsolationEngine(config, new CliOciRuntime(CRUN, config.stateDir()),
                droppingMemoryLimit, new DirectoryImageStore(config.imagesDir()))) {
            Path logs = Files.createDirectories(temp.resolve("gated"));
            RunningJob job = gated.start(plan(shell("echo the program ran"), 1), logs);
            JobOutcome outcome = job.outcome().get(60, TimeUnit.SECONDS);

            assertThat(outcome.reason()).contains(TerminationReason.EnforcementUnavailable);
            assertThat(outcome.detail()).contains("memory");
            assertThat(outcome.security()).isEmpty();
            assertThat(job.started()).isNotDone();
            assertThat(Files.readString(logs.resolve("stdout.log"))).doesNotContain("the program ran");
        }
    }

    @Test
    void cancellingARunningJobStopsIt() throws Exception {
        Path logs = Files.createDirectories(temp.resolve("cancel"));
        RunningJob job = engine.start(plan(shell("echo started; sleep 60"), 1), logs);
        job.started().get(30, TimeUnit.SECONDS);
        job.cancel();
        job.cancel();
        JobOutcome outcome = job.outcome().get(30, TimeUnit.SECONDS);

        assertThat(outcome.reason()).contains(TerminationReason.Cancelled);
        assertThat(outcome.usage().wallSeconds()).isLessThan(30);
    }

    @Test
    void aJobOutlivingItsTimeoutEndsTimedOut() throws Exception {
        Finished finished = run(plan(shell("sleep 30", null, 1), 1));

        assertThat(finished.outcome().reason()).contains(TerminationReason.TimedOut);
    }

    @Test
    void aRuntimeFailingBeforeTheGateIsReportedWithItsError() throws Exception {
        OciRuntime refusing = new OciRuntime() {
            @Override
            public String describe() {
                return "refusing-runtime 1";
            }

            @Override
            public boolean acceptsPrecompiledSeccomp() {
                return true;
            }

            @Override
            public Process run(String containerId, Path bundle, long openFiles, Path stdin) throws IOException {
                return new ProcessBuilder("sh", "-c", "echo 'invalid rootfs: a symlink' >&2; exit 1").start();
            }

            @Override
            public void kill(String containerId, String signal) {
            }

            @Override
            public List<String> list() {
                return List.of();
            }

            @Override
            public void forceDelete(String containerId) {
            }
        };
        try (IsolationEngine failing = new IsolationEngine(config, refusing, CgroupDriver.detect(CGROUP_PARENT),
                new DirectoryImageStore(config.imagesDir()))) {
            JobOutcome outcome = failing.start(plan(shell("true"), 1), Files.createDirectories(temp.resolve("refused")))
                    .outcome().get(30, TimeUnit.SECONDS);

            assertThat(outcome.reason()).contains(TerminationReason.RuntimeError);
            assertThat(outcome.detail()).contains("status 1").contains("invalid rootfs: a symlink");
        }
    }
    @Test
    void theVerdictGoLetsTheProgramRun() throws Exception {
        Gated gated = runGated("gate-go", (fifos, runtime) -> {
            try (StartGate gate = StartGate.open(fifos.stateFifo(), fifos.verdictFifo())) {
                assertThat(gate.awaitState(runtime)).as("the container reached its gate").isPresent();
                gate.open();
            }
        });

        assertThat(gated.status()).as(gated.output()).isZero();
        assertThat(gated.output()).contains("the program ran");
    }

    @ParameterizedTest(name = "verdict {0}")
    @ValueSource(strings = {"refused\n", "GO\n", "go on\n", "go", "\n", "no\ngo\n", "\u0000go\n"})
    void anyOtherVerdictKeepsTheProgramFromRunning(String verdict) throws Exception {
        Gated gated = runGated("gate-verdict", (fifos, runtime) -> {
            try (StartGate gate = StartGate.open(fifos.stateFifo(), fifos.verdictFifo());
                 FileChannel answer = FileChannel.open(fifos.verdictFifo(), StandardOpenOption.WRITE)) {
                assertThat(gate.awaitState(runtime)).as("the container reached its gate").isPresent();
                answer.write(ByteBuffer.wrap(verdict.getBytes(StandardCharsets.UTF_8)));
            }
        });

        assertRefusedAtTheGate(gated);
    }

    @Test
    void anEngineGoneAtTheGateKeepsTheProgramFromRunning() throws Exception {
        Gated gated = runGated("gate-gone", (fifos, runtime) -> {
            try (StartGate gate = StartGate.open(fifos.stateFifo(), fifos.verdictFifo())) {
                assertThat(gate.awaitState(runtime)).as("the container reached its gate").isPresent();
                // Closed without a verdict, as the kernel closes the FIFOs of an engine that died.
            }
        });

        assertRefusedAtTheGate(gated);
    }

    @Test
    void noEngineAtTheFifosKeepsTheProgramFromRunning() throws Exception {
        Gated gated = runGated("gate-none", (fifos, runtime) -> {
        });

        assertRefusedAtTheGate(gated);
    }

    private static void assertRefusedAtTheGate(Gated gated) {
        assertThat(gated.status()).as(gated.output()).isNotZero();
        assertThat(gated.output()).contains("berth start gate:").doesNotContain("the program ran");
    }

    /** This test's part at the gate, in the engine's place. */
    private interface GateAnswer {
        void give(BundleContext.StartGate fifos, Process runtime) throws IOException;
    }

    private record Gated(int status, String output) {
    }

    /** crun runs the engine's spec of a job that prints "the program ran", and {@code answer} plays the engine at its gate. */
    private Gated runGated(String name, GateAnswer answer) throws Exception {
        ExecutionPlan plan = plan(shell("echo the program ran"), 1);
        ResolvedImage image = new DirectoryImageStore(config.imagesDir()).resolve("busybox").orElseThrow();
        Path bundle = Files.createDirectory(temp.resolve(name));
        BundleContext.StartGate fifos = new BundleContext.StartGate(bundle, bundle.resolve("state.fifo"), bundle.resolve("verdict.fifo"));
        Process mkfifo = new ProcessBuilder("mkfifo", fifos.stateFifo().toString(), fifos.verdictFifo().toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
        CliOciRuntime crun = new CliOciRuntime(CRUN, temp.resolve("gated-state"));
        ObjectMapper mapper = new ObjectMapper();
        try (JobCgroup cgroup = CgroupDriver.detect(CGROUP_PARENT).create(name, plan.limits())) {
            try {
                var spec = new OciSpecBuilder(mapper).build(new BundleContext(plan, image, cgroup.runtimePath(), fifos,
                        SeccompProfiles.byReference(plan.seccompProfile()).orElseThrow(), Optional.empty(),
                        OverlayRoot.install(temp.resolve("bin"))));
                mapper.writeValue(bundle.resolve("config.json").toFile(), spec);
                Process runtime = crun.run(name, bundle, plan.limits().openFiles(), Path.of("/dev/null"));
                runtime.getOutputStream().close();
                answer.give(fifos, runtime);
                assertThat(runtime.waitFor(60, TimeUnit.SECONDS)).as("crun finished").isTrue();
                String output = new String(runtime.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                        + new String(runtime.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                return new Gated(runtime.exitValue(), output);
            } finally {
                try {
                    crun.forceDelete(name);
                } catch (IOException alreadyGone) {
                    // crun run removes a container it could not start; nothing is left to delete.
                }
            }
        }
    }
}
