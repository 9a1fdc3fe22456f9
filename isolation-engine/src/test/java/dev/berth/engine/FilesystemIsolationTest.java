package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The image is read-only and shared; /tmp is the job's own writable scratch. */
class FilesystemIsolationTest extends EngineTestSupport {

    @Test
    void rootFilesystemIsReadOnlyAndScratchIsWritable() throws Exception {
        Finished finished = run(plan(shell("touch /bin/evil 2>&1 || echo denied; echo ok > /tmp/f && cat /tmp/f"), 1));

        assertThat(finished.stdout()).contains("Read-only file system").contains("denied").contains("ok");
    }

    @Test
    void theRootCannotBeWrittenEvenThroughRawSystemCalls() throws Exception {
        List<String> checks = List.of("root_write");
        Finished finished = run(plan(EscapeProbe.request(checks), 1));

        assertThat(EscapeProbe.parse(finished, checks).get("root_write"))
                .extracting(EscapeProbe.Verdict::result, EscapeProbe.Verdict::detail).containsExactly("DENIED", "EROFS");
    }
}
