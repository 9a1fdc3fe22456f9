package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.JobRequest;
import dev.berth.policy.ResourceRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Scratch is tmpfs with size and inode limits at /tmp and at the working directory; what a job
 * writes there belongs to its tenant's ID range on the host.
 */
class ScratchTest extends EngineTestSupport {

    @Test
    void writingPastTheScratchSizeGetsEnospc() throws Exception {
        Finished finished = run(plan(shell("dd if=/dev/zero of=/tmp/fill bs=1M count=32 2>&1; du -m /tmp/fill",
                new ResourceRequest(null, 128, null, 8), null), 1));

        assertThat(finished.stdout()).contains("No space left on device");
        assertThat(Integer.parseInt(finished.stdout().lines().toList().getLast().split("\\s+")[0])).isLessThanOrEqualTo(8);
    }

    @Test
    void aFloodOfEmptyFilesStopsAtTheInodeLimit() throws Exception {
        Finished finished = run(plan(shell("i=0; while [ $i -lt 3000 ] && true > /tmp/f$i; do i=$((i+1)); done 2>/dev/null; echo $i",
                new ResourceRequest(null, null, null, 1), 60), 1));

        assertThat(Integer.parseInt(finished.stdout().strip())).as(finished.stderr()).isBetween(100, 1024);
    }

    @Test
    void theWorkingDirectoryIsAPrivateTmpfsOwnedByTheJobUser() throws Exception {
        JobRequest request = new JobRequest("busybox", List.of("sh", "-c", "pwd; stat -c '%u %a' .; echo hi > here && cat here;"
                + " grep ' /work ' /proc/self/mountinfo"), null, "/work", null, null, new ResourceRequest(null, null, null, 4), null, null, null, null);
        Finished finished = run(plan(request, 1));

        assertThat(finished.stdout().lines()).as(finished.stderr()).startsWith("/work", "1000 700", "hi");
        assertThat(finished.stdout()).contains(" - tmpfs ").contains("size=4096k");
    }

    @Test
    void aWorkingDirectoryTheImageLacksIsReportedBeforeAnythingRuns() throws Exception {
        JobRequest request = new JobRequest("busybox", List.of("true"), null, "/srv/app", null, null, null, null, null, null, null);
        Finished finished = run(plan(request, 1));

        assertThat(finished.outcome().reason()).contains(TerminationReason.RuntimeError);
        assertThat(finished.outcome().detail()).contains("working directory /srv/app does not exist in image busybox");
    }

    @Test
    void filesAJobWritesBelongToItsTenantsRangeOnTheHost() throws Exception {
        ExecutionPlan plan = plan(shell("echo data > /tmp/owned && exec sleep 587"), 3);
        RunningJob job = engine.start(plan, Files.createDirectories(temp.resolve("owned-logs")));
        try {
            job.started().get(30, TimeUnit.SECONDS);
            long pid = awaitProcess("sleep\u0000587");
            Path owned = Path.of("/proc", Long.toString(pid), "root", "tmp", "owned");
            long hostUid = awaitOwner(owned);

            long rangeStart = tenantRange(3).hostStart();
            assertThat(hostUid).isEqualTo(rangeStart + plan.uid());
        } finally {
            job.cancel();
            job.outcome().get(30, TimeUnit.SECONDS);
        }
    }

    private static long awaitProcess(String commandLine) throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            Optional<Long> pid = findProcess(commandLine);
            if (pid.isPresent()) {
                return pid.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no process with command line " + commandLine.replace('\0', ' '));
    }

    private static Optional<Long> findProcess(String commandLine) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    return Files.readString(p.resolve("cmdline")).startsWith(commandLine);
                } catch (IOException | java.io.UncheckedIOException e) {
                    return false;
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).findFirst();
        }
    }

    private static long awaitOwner(Path file) throws Exception {
        for (int attempt = 0; attempt < 100 && !Files.exists(file); attempt++) {
            Thread.sleep(50);
        }
        return ((Number) Files.getAttribute(file, "unix:uid")).longValue();
    }
}
