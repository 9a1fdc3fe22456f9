package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.ResourceRequest;
import org.junit.jupiter.api.Test;

/** Memory, CPU, pids and open-file limits are in the kernel before the job runs and hold against hogs. */
class ResourceLimitsTest extends EngineTestSupport {

    @Test
    void limitsAreReadBackFromTheKernelBeforeTheJobRuns() throws Exception {
        Finished finished = run(plan(shell("true", new ResourceRequest(250, 32, 40, null), null), 1));

        assertThat(finished.outcome().succeeded()).as(finished.stderr()).isTrue();
        assertThat(finished.outcome().security()).hasValueSatisfying(security -> {
            assertThat(security.limits().cpuMillis()).isEqualTo(250);
            assertThat(security.limits().memoryBytes()).isEqualTo(32L << 20);
            assertThat(security.limits().pids()).isEqualTo(40);
            assertThat(security.cgroupVersion()).as("the cgroup layout mounted at the host's /sys/fs/cgroup").isEqualTo(HostProperties.cgroupVersion());
        });
    }

    @Test
    void allocationBeyondTheMemoryLimitEndsOomKilled() throws Exception {
        Finished finished = run(plan(shell("head -c 400m /dev/zero | tail > /dev/null", new ResourceRequest(null, 64, null, null), null), 1));

        assertThat(finished.outcome().reason()).as("%s %s", finished.outcome(), finished.stderr()).contains(TerminationReason.OOMKilled);
        assertThat(finished.outcome().usage().peakMemoryBytes()).isLessThanOrEqualTo(64L << 20).isPositive();
    }

    @Test
    void twoBusyLoopsUnderAQuarterCpuGetAQuarterOfTheWallTime() throws Exception {
        long started = System.nanoTime();
        Finished finished = run(plan(shell("timeout 4 sh -c 'while :; do :; done' & timeout 4 sh -c 'while :; do :; done' & wait",
                new ResourceRequest(250, null, null, null), 30), 1));
        double observed = (System.nanoTime() - started) / 1e9;

        double wall = finished.outcome().usage().wallSeconds();
        assertThat(wall).as("the job's wall time, within what the test saw").isGreaterThanOrEqualTo(3.9).isLessThanOrEqualTo(observed);
        // Unlimited, the loops would take min(2, cores) CPU seconds per second. At 250 millicores the
        // job gets a quarter of its wall time: 1.0 CPU second on a fast host, more where starting the
        // loops takes longer (an emulated guest). The cgroup is charged from the container's creation,
        // before the job's wall clock starts, so the ceiling is a quarter of the time the test saw plus
        // a CFS period of slack; the floor is half the quota of the job's wall time.
        double ceiling = 0.25 * observed + 0.15;
        assertThat(finished.outcome().usage().cpuSeconds())
                .as("CPU seconds in %.2f s of job wall time (%.2f s seen by the test) at 250 millicores: %s", wall, observed, finished.stderr())
                .isBetween(0.25 * wall / 2, ceiling);
    }

    @Test
    void openFilesAreLimited() throws Exception {
        ExecutionPlan plan = plan(shell("ulimit -Sn; ulimit -Hn"), 1);
        Finished finished = run(plan);

        String limit = String.valueOf(plan.limits().openFiles());
        assertThat(finished.stdout().lines()).containsExactly(limit, limit);
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
