package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.engine.cgroup.CgroupDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** After a job, whatever its end, no cgroup, bundle, runtime state or process of it remains once the engine releases it. */
class NothingLeftBehindTest extends EngineTestSupport {

    @Test
    void finishedFailedAndRefusedJobsLeaveNothing() throws Exception {
        Map<Path, List<Path>> before = jobCgroups();

        assertThat(run(plan(shell("echo done"), 1)).outcome().succeeded()).isTrue();
        assertThat(run(plan(shell("sleep 30 & exit 7"), 1)).outcome().exitCode()).contains(7);
        assertThat(run(plan(shell("sleep 30", null, 1), 1)).outcome().reason()).contains(TerminationReason.TimedOut);

        assertThat(jobCgroups()).isEqualTo(before);
        assertThat(children(config.bundlesDir())).isEmpty();
        assertThat(children(config.stateDir())).isEmpty();
    }

    /** The end goes out first and the clean-up follows it; once released, the job has left nothing. */
    @Test
    void theEndIsReportedBeforeTheCleanUpWhichStillRemovesEverything() throws Exception {
        Map<Path, List<Path>> before = jobCgroups();
        RunningJob job = engine.start(plan(shell("sleep 30 & echo done"), 1), Files.createDirectories(temp.resolve("report-first")));
        CompletableFuture<Boolean> reportedFirst = job.released().thenApply(released -> job.outcome().isDone());

        assertThat(job.outcome().get(60, TimeUnit.SECONDS).succeeded()).isTrue();
        assertThat(reportedFirst.get(60, TimeUnit.SECONDS)).as("the outcome was complete when the clean-up finished").isTrue();
        assertThat(jobCgroups()).isEqualTo(before);
        assertThat(children(config.bundlesDir())).isEmpty();
        assertThat(children(config.stateDir())).isEmpty();
    }

    private static Map<Path, List<Path>> jobCgroups() throws IOException {
        Map<Path, List<Path>> byHierarchy = new TreeMap<>();
        for (Path delegated : CgroupDriver.detect(CGROUP_PARENT).delegatedDirs()) {
            byHierarchy.put(delegated, children(delegated).stream().filter(Files::isDirectory).toList());
        }
        return byHierarchy;
    }

    private static List<Path> children(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().toList();
        }
    }
}
