package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.policy.ResourceRequest;
import org.junit.jupiter.api.Test;

/** Memory, CPU and pids limits are in the kernel before the job runs; the memory limit ends a hog. */
class ResourceLimitsTest extends EngineTestSupport {

    @Test
    void limitsAreReadBackFromTheKernelBeforeTheJobRuns() throws Exception {
        Finished finished = run(plan(shell("true", new ResourceRequest(250, 32, 40, null), null), 1));

        assertThat(finished.outcome().succeeded()).as(finished.stderr()).isTrue();
        assertThat(finished.outcome().security()).hasValueSatisfying(security -> {
            assertThat(security.limits().cpuMillis()).isEqualTo(250);
            assertThat(security.limits().memoryBytes()).isEqualTo(32L << 20);
            assertThat(security.limits().pids()).isEqualTo(40);
            assertThat(security.cgroupVersion()).isIn("v1", "v2");
        });
    }

    @Test
    void allocationBeyondTheMemoryLimitEndsOomKilled() throws Exception {
        Finished finished = run(plan(shell("head -c 200m /dev/zero | tail > /dev/null", new ResourceRequest(null, 16, null, null), null), 1));

        assertThat(finished.outcome().reason()).as("%s %s", finished.outcome(), finished.stderr()).contains(TerminationReason.OOMKilled);
        assertThat(finished.outcome().usage().peakMemoryBytes()).isLessThanOrEqualTo(16L << 20).isPositive();
    }

    @Test
    void forkBombStopsAtThePidsLimit() throws Exception {
        // The subshell dies at the first failed fork (ash exits on "can't fork"); the count uses a
        // glob and builtins only, since nothing more can fork once the limit is reached.
        Finished finished = run(plan(shell("(for i in $(seq 1 60); do sleep 5 & done) 2>/dev/null; set -- /proc/[0-9]*; echo $#",
                new ResourceRequest(null, null, 20, null), 20), 1));

        assertThat(finished.stdout().strip()).as("%s %s", finished.outcome(), finished.stderr()).matches("\\d+");
        assertThat(Integer.parseInt(finished.stdout().strip())).isBetween(15, 20);
    }
}
