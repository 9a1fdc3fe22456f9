package dev.berth.engine;

import dev.berth.engine.cgroup.CgroupDriver;
import dev.berth.engine.image.DirectoryImageStore;
import dev.berth.engine.network.EgressSettings;
import dev.berth.engine.runtime.CliOciRuntime;
import dev.berth.engine.testing.EgressLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A JVM standing in for the platform in tests that kill it: an engine on the work directory
 * {@code args[0]}, images from {@code args[1]}, runs one egress job through the test lab (servers
 * under {@code args[2]}) that sleeps, prints {@code started} once the start gate has opened, and
 * waits to be killed.
 */
final class StandInPlatform {

    private StandInPlatform() {
    }

    public static void main(String[] args) throws Exception {
        Path workDir = Path.of(args[0]);
        EngineConfig config = new EngineConfig(EngineTestSupport.CRUN, workDir, Path.of(args[1]), EngineTestSupport.CGROUP_PARENT, 1024 * 1024,
                Duration.ofSeconds(2));
        IsolationEngine engine = new IsolationEngine(config, new CliOciRuntime(EngineTestSupport.CRUN, config.stateDir()),
                CgroupDriver.detect(EngineTestSupport.CGROUP_PARENT), new DirectoryImageStore(config.imagesDir()),
                EgressSettings.host(List.of()).withUplink(EgressLab.serving(Path.of(args[2]))));
        RunningJob job = engine.start(EgressNetworkTest.egressShell("exec sleep 593", EgressNetworkTest.tcp("198.51.100.10", "8080")),
                Files.createDirectories(workDir.resolve("logs")));
        CompletableFuture.anyOf(job.started(), job.outcome()).get(120, TimeUnit.SECONDS);
        if (!job.started().isDone()) {
            System.out.println("not started: " + job.outcome().join().detail());
            System.exit(1);
        }
        System.out.println("started");
        System.out.flush();
        Thread.sleep(Duration.ofMinutes(10));
    }
}
