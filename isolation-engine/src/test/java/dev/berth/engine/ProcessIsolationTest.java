package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A job sees its own processes only: not the host's, not another tenant's concurrent job. */
class ProcessIsolationTest extends EngineTestSupport {

    @Test
    void aJobCannotSeeAnotherTenantsRunningJob() throws Exception {
        RunningJob other = engine.start(plan(shell("exec sleep 593"), 2), Files.createDirectories(temp.resolve("tenant-b")));
        try {
            other.started().get(30, TimeUnit.SECONDS);

            Finished finished = run(plan(shell("echo $$; for p in /proc/[0-9]*; do cat $p/cmdline; echo; done"), 1));

            assertThat(finished.stdout().lines().findFirst()).as("the job's shell is pid 1 of its own namespace").contains("1");
            assertThat(finished.stdout()).doesNotContain("593").doesNotContain("java").doesNotContain("crun");
            assertThat(finished.stdout().lines().skip(1).filter(line -> !line.isBlank()).count()).isLessThanOrEqualTo(3);
        } finally {
            other.cancel();
            other.outcome().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void signalsCannotReachOutsideTheJob() throws Exception {
        Finished finished = run(plan(shell("kill -0 " + ProcessHandle.current().pid() + " 2>&1; kill -9 -1 2>&1; echo survived"), 1));

        assertThat(finished.stdout()).contains("survived");
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }
}
