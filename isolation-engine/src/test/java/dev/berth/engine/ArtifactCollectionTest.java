package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.engine.data.CollectedArtifact;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.data.ArtifactRequest;
import dev.berth.policy.data.DataCeilings;
import dev.berth.policy.JobRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * After a job ends, the files its patterns name are read from the job's own view of its scratch:
 * byte for byte, private files too, symlinks reported and never followed (not to the job's image,
 * not to the host), within the caps, and only after the endings the request asked for.
 */
class ArtifactCollectionTest extends EngineTestSupport {

    @Test
    void matchingFilesAreCollectedByteForByte() throws Exception {
        Finished finished = run(plan(shellWith("mkdir -p /tmp/out/sub; printf 'report' > /tmp/out/report.txt;"
                + " head -c 100000 /dev/urandom > /tmp/out/sub/blob.bin; chmod 600 /tmp/out/sub/blob.bin;"
                + " sha256sum /tmp/out/sub/blob.bin | cut -d' ' -f1; echo log > /tmp/run.log; echo skip > /tmp/other.txt",
                null, null, null, new ArtifactRequest(List.of("/tmp/out", "/tmp/*.log"), null), null), 1));

        assertThat(finished.outcome().succeeded()).as(finished.outcome().detail() + finished.stderr()).isTrue();
        Map<String, CollectedArtifact> byName = artifacts(finished);
        assertThat(byName).containsOnlyKeys("tmp/out/report.txt", "tmp/out/sub/blob.bin", "tmp/run.log");
        assertThat(Files.readString(byName.get("tmp/out/report.txt").file())).isEqualTo("report");
        assertThat(byName.get("tmp/out/sub/blob.bin").bytes()).isEqualTo(100_000);
        assertThat(byName.get("tmp/out/sub/blob.bin").sha256()).isEqualTo("sha256:" + finished.stdout().strip());
        assertThat(finished.outcome().artifacts().notes()).isEmpty();
    }

    @Test
    void symlinksAreReportedAndNeverFollowed() throws Exception {
        Path hostFile = Files.writeString(temp.resolve("host-secret"), "host-only");
        Finished finished = run(plan(shellWith("mkdir -p /tmp/out; ln -s /etc/passwd /tmp/out/passwd; ln -s " + hostFile
                + " /tmp/out/host; ln -s /etc /tmp/out/etc; echo real > /tmp/out/real.txt",
                null, null, null, new ArtifactRequest(List.of("/tmp/out/**"), null), null), 1));

        assertThat(artifacts(finished)).containsOnlyKeys("tmp/out/real.txt");
        assertThat(finished.outcome().artifacts().notes()).hasSize(3).allMatch(note -> note.contains("is a symlink: not followed"));
    }

    @Test
    void capsKeepOutWhatIsBeyondThemAndSaySo() throws Exception {
        DataCeilings small = new DataCeilings(1 << 20, 1 << 20, 1 << 20, 2, 1024, 1500, 4, 1024);
        Finished finished = run(plan(shellWith("mkdir /tmp/out; head -c 2048 /dev/zero > /tmp/out/a-big;"
                        + " for f in b c d; do head -c 600 /dev/zero > /tmp/out/$f; done",
                null, null, null, new ArtifactRequest(List.of("/tmp/out/*"), null), null), 1, small));

        assertThat(artifacts(finished)).hasSize(2);
        assertThat(finished.outcome().artifacts().notes()).anyMatch(note -> note.contains("larger than the cap of 1024 bytes"))
                .anyMatch(note -> note.contains("cap of 1500 bytes") || note.contains("beyond the cap of 2 artifacts"));
    }

    @Test
    void aJobThatExitsAtOnceStillHasItsArtifacts() throws Exception {
        Finished finished = run(plan(shellWith("echo quick > /tmp/q", null, null, null,
                new ArtifactRequest(List.of("/tmp/q"), null), null), 1));

        assertThat(artifacts(finished)).containsOnlyKeys("tmp/q");
    }

    @Test
    void theRequestSaysAfterWhichEndingsArtifactsAreCollected() throws Exception {
        String failing = "echo partial > /tmp/p; exit 3";
        Finished onSuccessOnly = run(plan(shellWith(failing, null, null, null, new ArtifactRequest(List.of("/tmp/p"), "success"), null), 1));
        Finished onFailure = run(plan(shellWith(failing, null, null, null, new ArtifactRequest(List.of("/tmp/p"), "failure"), null), 1));

        assertThat(onSuccessOnly.outcome().exitCode()).contains(3);
        assertThat(artifacts(onSuccessOnly)).isEmpty();
        assertThat(artifacts(onFailure)).containsOnlyKeys("tmp/p");
    }

    @Test
    void aWorkingDirectoryOfItsOwnIsScratchToo() throws Exception {
        ExecutionPlan plan = plan(new JobRequest("busybox", List.of("sh", "-c", "echo here > /work/result"), null, "/work",
                null, null, null, null, null, null, null, null, null, new ArtifactRequest(List.of("/work/result"), null), null), 1);

        assertThat(artifacts(run(plan))).containsOnlyKeys("work/result");
    }

    private static Map<String, CollectedArtifact> artifacts(Finished finished) {
        return finished.outcome().artifacts().artifacts().stream().collect(Collectors.toMap(CollectedArtifact::name, a -> a));
    }
}
