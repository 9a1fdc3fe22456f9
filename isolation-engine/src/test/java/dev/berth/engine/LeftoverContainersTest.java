package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.engine.cgroup.CgroupDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A platform that crashed leaves containers running under its work directory. The next engine on
 * that directory finds them through the runtime and its bundles, kills them and removes their
 * cgroups, so nothing stays running unobserved.
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

    @Test
    void reapingIsRefusedOnceTheEngineRunsJobsOfItsOwn() throws Exception {
        run(plan(shell("true"), 1));

        assertThatThrownBy(() -> engine.reapLeftovers()).isInstanceOf(IllegalStateException.class).hasMessageContaining("its own");
    }
}
