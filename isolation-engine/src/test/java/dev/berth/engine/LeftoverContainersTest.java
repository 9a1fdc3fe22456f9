package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.engine.cgroup.CgroupDriver;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A platform that crashed leaves containers running under its work directory. The next engine on
 * that directory finds them through the runtime and its bundles, kills them and removes their
 * cgroups and the network helpers of egress jobs, so nothing stays running unobserved.
 */
class LeftoverContainersTest extends EngineTestSupport {

    @Test
    void theNextEngineOnTheSameDirectoryReapsWhatTheLastOneLeftRunning() throws Exception {
        RunningJob orphan = engine.start(plan(shell("exec sleep 591"), 1), Files.createDirectories(temp.resolve("orphan")));
        orphan.started().get(30, TimeUnit.SECONDS);

        try (IsolationEngine restarted = IsolationEngine.create(config)) {
            List<String> reaped = restarted.reapLeftovers();

            assertThat(reaped).hasSize(1).allMatch(id -> id.matches("berth-[0-9a-f]{24}"));
            // The old engine still lives in this test (after a real crash it would not) and races to
            // clean up too; all that matters of it is that its job ended.
            assertThat(orphan.outcome().get(30, TimeUnit.SECONDS).succeeded()).isFalse();
            assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))).noneMatch(line -> line.contains("sleep 591"));
            assertThat(restarted.reapLeftovers()).isEmpty();
            try (Stream<Path> bundles = Files.list(config.bundlesDir())) {
                assertThat(bundles).isEmpty();
            }
            for (Path delegated : CgroupDriver.detect(CGROUP_PARENT).delegatedDirs()) {
                assertThat(delegated.resolve(reaped.getFirst())).doesNotExist();
            }
        }
    }

    /**
     * pasta and the resolver of an egress job run beside its container, not in its cgroup. A JVM
     * standing in for the platform starts such a job and is killed with SIGKILL; its processes
     * are seen to outlive it, and the next engine on its work directory ends every one of them.
     */
    @Test
    void theNextEngineEndsTheNetworkHelpersOfAnEgressJobWhoseEngineWasKilled() throws Exception {
        EngineConfig killed = new EngineConfig(CRUN, temp.resolve("killed-engine"), TestImages.directory(), CGROUP_PARENT, 1024 * 1024,
                Duration.ofSeconds(2));
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        // The same JIT and GC as this JVM: the cgroup v2 lane runs it C1-only because, under
        // emulation, code of the other tiers crashed the JVM now and then (a stand-in died of a
        // SIGSEGV in tiered C1 code before its job started).
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(option -> option.startsWith("-XX:")).forEach(command::add);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), StandInPlatform.class.getName(), killed.workDir().toString(),
                killed.imagesDir().toString(), temp.resolve("www").toString()));
        Process standIn = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(temp.resolve("stand-in.log").toFile()).start();
        try {
            awaitLine(temp.resolve("stand-in.log"), "started", standIn);
            List<ProcessHandle> left = awaitProgram(standIn, "sleep 593");
            assertThat(left.stream().map(LeftoverContainersTest::commandLine)).as("the stand-in's processes")
                    .anyMatch(line -> line.contains("pasta")).anyMatch(line -> line.contains("dnsmasq"));

            standIn.destroyForcibly().waitFor();
            assertThat(left.stream().filter(process -> commandLine(process).contains("pasta")))
                    .as("pasta outlives the engine that started it").isNotEmpty().allMatch(ProcessHandle::isAlive);

            try (IsolationEngine restarted = IsolationEngine.create(killed)) {
                List<String> reaped = restarted.reapLeftovers();

                assertThat(reaped).hasSize(1);
                for (ProcessHandle process : left) {
                    assertThat(process.onExit()).as("%d %s ends", process.pid(), commandLine(process)).succeedsWithin(Duration.ofSeconds(30));
                }
                try (Stream<Path> bundles = Files.list(killed.bundlesDir())) {
                    assertThat(bundles).isEmpty();
                }
                for (Path delegated : CgroupDriver.detect(CGROUP_PARENT).delegatedDirs()) {
                    assertThat(delegated.resolve(reaped.getFirst())).doesNotExist();
                }
                assertThat(restarted.reapLeftovers()).isEmpty();
            }
        } finally {
            standIn.destroyForcibly();
        }
    }

    /** From /proc, since the JDK leaves it out for processes whose executable it may not read; empty once the process is gone. */
    private static String commandLine(ProcessHandle process) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + process.pid() + "/cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The stand-in's processes once the job's program has replaced the container's init: a job
     * counts as started when the gate opens, a moment before that exec, which under the cgroup v2
     * lane's emulation is long enough to be seen.
     */
    private static List<ProcessHandle> awaitProgram(Process standIn, String program) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (true) {
            List<ProcessHandle> processes = standIn.descendants().toList();
            List<String> lines = processes.stream().map(LeftoverContainersTest::commandLine).toList();
            if (lines.stream().anyMatch(line -> line.contains(program))) {
                return processes;
            }
            assertThat(System.nanoTime()).as("the job's program %s runs within a minute of its start: %s", program, lines).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static void awaitLine(Path log, String line, Process writer) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.readString(log).lines().toList().contains(line)) {
            assertThat(writer.isAlive()).as("the stand-in platform runs: %s", Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("the stand-in's job starts within 3 minutes: %s", Files.readString(log)).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void reapingIsRefusedOnceTheEngineRunsJobsOfItsOwn() throws Exception {
        run(plan(shell("true"), 1));

        assertThatThrownBy(() -> engine.reapLeftovers()).isInstanceOf(IllegalStateException.class).hasMessageContaining("its own");
    }
}
