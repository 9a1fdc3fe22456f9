package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.data.DataContent;
import dev.berth.policy.data.JobStdin;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A job's stdin is delivered whole and then closed; without one, stdin is at its end at once. */
class StdinTest extends EngineTestSupport {

    @Test
    void textStdinRoundTripsAndEnds() throws Exception {
        String text = "line one\nline two, ünïcode\n";
        ExecutionPlan plan = plan(shellWith("cat; echo end-of-stdin", null, new JobStdin(text, null), null, null, null), 1);

        Finished finished = run(plan, new JobPayload(text.getBytes(StandardCharsets.UTF_8), Map.of(), null, Map.of()));

        assertThat(finished.outcome().succeeded()).as(finished.stderr()).isTrue();
        assertThat(finished.stdout()).isEqualTo(text + "end-of-stdin\n");
        assertThat(plan.data().stdin().sha256()).isEqualTo(DataContent.sha256(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void binaryStdinArrivesByteForByte() throws Exception {
        byte[] bytes = new byte[70_000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        ExecutionPlan plan = plan(shellWith("sha256sum | cut -d' ' -f1", null,
                new JobStdin(null, Base64.getEncoder().encodeToString(bytes)), null, null, null), 1);

        Finished finished = run(plan, new JobPayload(bytes, Map.of(), null, Map.of()));

        assertThat(finished.stdout().strip()).isEqualTo(DataContent.sha256(bytes).substring("sha256:".length()));
    }

    @Test
    void withoutStdinTheJobReadsEndOfFileAtOnce() throws Exception {
        Finished finished = run(plan(shell("cat; echo read-all"), 1));

        assertThat(finished.stdout()).isEqualTo("read-all\n");
    }
}
