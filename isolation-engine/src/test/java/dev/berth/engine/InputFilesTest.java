package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.engine.data.InputsDirectory;
import dev.berth.engine.image.LayerRejectedException;
import dev.berth.engine.testing.TestLayers.Layer;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.ResourceRequest;
import dev.berth.policy.data.InputFile;
import dev.berth.policy.data.JobData;
import dev.berth.policy.data.JobInputs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

/**
 * Inputs appear read-only under the path the request names inside the job's scratch, inline files
 * and an uploaded tar alike, and take their size out of that scratch; hostile tars are refused by
 * the image layers' own entry rules before anything runs.
 */
class InputFilesTest extends EngineTestSupport {

    private static final String UPLOAD = UUID.randomUUID().toString();

    @Test
    void inlineFilesAreReadableAndReadOnly() throws Exception {
        JobInputs inputs = new JobInputs("/tmp/in", List.of(new InputFile("data/values.csv", "a,b\n1,2\n", null, null),
                new InputFile("run.sh", "echo ran-the-input-script", null, true)), null);
        ExecutionPlan plan = plan(shellWith("cat /tmp/in/data/values.csv; /tmp/in/run.sh;"
                + " echo x > /tmp/in/data/values.csv || echo write-refused; touch /tmp/in/new || echo create-refused;"
                + " grep ' /tmp/in ' /proc/self/mounts | grep -c ' ro,'", null, null, inputs, null, null), 1);

        Finished finished = run(plan, new JobPayload(null, Map.of("data/values.csv", "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8),
                "run.sh", "echo ran-the-input-script".getBytes(StandardCharsets.UTF_8)), null, Map.of()));

        assertThat(finished.stdout()).isEqualTo("a,b\n1,2\nran-the-input-script\nwrite-refused\ncreate-refused\n1\n");
    }

    @Test
    void anUploadedTarIsUnpackedUnderThePathEvenItsPrivateFiles() throws Exception {
        byte[] tar = new Layer().dir("set").file("set/public.txt", "public\n").file("set/private.txt", "private\n", 0600).bytes();
        long unpacked = InputsDirectory.check(new ByteArrayInputStream(tar), Files.createDirectory(temp.resolve("check")), 1 << 20);
        ExecutionPlan uploaded = withUpload(plan(shellWith("cat /tmp/in/set/public.txt /tmp/in/set/private.txt; id -u",
                null, null, new JobInputs("/tmp/in", null, UPLOAD), null, null), 1), unpacked);

        Finished finished = run(uploaded, new JobPayload(null, Map.of(), () -> new ByteArrayInputStream(tar), Map.of()));

        assertThat(finished.stdout()).isEqualTo("public\nprivate\n1000\n");
    }

    @Test
    void inputsCountAgainstTheScratchThatHoldsThem() throws Exception {
        byte[] tar = new Layer().file("big.bin", "a".repeat(5 << 20)).bytes();
        long unpacked = InputsDirectory.check(new ByteArrayInputStream(tar), Files.createDirectory(temp.resolve("check")), 8 << 20);
        ExecutionPlan plan = withUpload(plan(shellWith("df -k /tmp | tail -1 | awk '{print $2}';"
                        + " head -c 4194304 /dev/zero > /tmp/fill 2>/dev/null && echo filled || echo scratch-full",
                new ResourceRequest(null, null, null, 8), null, new JobInputs("/tmp/in", null, UPLOAD), null, null), 1), unpacked);

        Finished finished = run(plan, new JobPayload(null, Map.of(), () -> new ByteArrayInputStream(tar), Map.of()));

        List<String> lines = finished.stdout().lines().toList();
        assertThat(lines).as(finished.stderr()).hasSize(2);
        assertThat(Long.parseLong(lines.get(0))).as("KiB of /tmp left beside 5 MiB of inputs in 8 MiB of scratch").isEqualTo(3 * 1024);
        assertThat(lines.get(1)).isEqualTo("scratch-full");
    }

    @Test
    void hostileTarsAreRefusedByTheLayerEntryRules() throws IOException {
        assertRefused(new Layer().file("/etc/passwd", "x").bytes(), "absolute path");
        assertRefused(new Layer().file("../outside", "x").bytes(), "climbs");
        assertRefused(new Layer().symlink("link", "/etc").file("link/passwd", "x").bytes(), "symlink");
        assertRefused(new Layer().symlink("up", "../../..").bytes(), "climbs out");
        assertRefused(new Layer().device("null", TarConstants.LF_CHR).bytes(), "device");
        assertRefused(new Layer().file("su", "x", 04755).bytes(), "setuid");
    }

    @Test
    void aHostileUploadFailsTheJobBeforeItsProgramRuns() throws Exception {
        byte[] tar = new Layer().file("../../escape", "x").bytes();
        ExecutionPlan plan = withUpload(plan(shellWith("echo the-program-ran", null, null, new JobInputs("/tmp/in", null, UPLOAD),
                null, null), 1), 1);

        Finished finished = run(plan, new JobPayload(null, Map.of(), () -> new ByteArrayInputStream(tar), Map.of()));

        assertThat(finished.outcome().reason()).contains(TerminationReason.RuntimeError);
        assertThat(finished.outcome().detail()).contains("climbs");
        assertThat(finished.stdout()).doesNotContain("the-program-ran");
    }

    private void assertRefused(byte[] tar, String reason) throws IOException {
        Path scratch = Files.createTempDirectory(temp, "hostile");
        assertThatThrownBy(() -> InputsDirectory.check(new ByteArrayInputStream(tar), scratch, 1 << 20))
                .isInstanceOf(LayerRejectedException.class)
                .satisfies(e -> assertThat(((LayerRejectedException) e).reason()).contains(reason));
    }

    private static ExecutionPlan withUpload(ExecutionPlan plan, long bytes) {
        JobData.Inputs inputs = plan.data().inputs();
        return plan.withData(plan.data().withInputs(inputs.withUploadBytes(bytes)));
    }
}
