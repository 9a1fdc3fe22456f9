package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.engine.cgroup.CgroupDriver;
import dev.berth.engine.cgroup.CgroupUsage;
import dev.berth.engine.cgroup.JobCgroup;
import dev.berth.engine.image.DirectoryImageStore;
import dev.berth.engine.runtime.CliOciRuntime;
import dev.berth.engine.runtime.OciRuntime;
import dev.berth.policy.Limits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The job's program runs only after its limits were seen in the kernel: when verification finds a
 * mismatch (as when a rootless runtime silently drops a limit) the container is refused and its
 * program never executes.
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
}
