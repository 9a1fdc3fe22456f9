package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Stdout and stderr are kept apart and each is capped with a marker, however much a job writes. */
class LogCaptureTest extends EngineTestSupport {

    @Test
    void stdoutAndStderrAreCapturedSeparately() throws Exception {
        Finished finished = run(plan(shell("echo to-out; echo to-err >&2; exit 3"), 1));

        assertThat(finished.stdout()).isEqualTo("to-out\n");
        assertThat(finished.stderr()).isEqualTo("to-err\n");
        assertThat(finished.outcome().exitCode()).contains(3);
        assertThat(finished.outcome().reason()).isEmpty();
    }

    @Test
    void aFloodIsTruncatedWithAMarker() throws Exception {
        Finished finished = run(plan(shell("head -c 5000000 /dev/zero | tr '\\0' y"), 1));

        assertThat(finished.outcome().succeeded()).isTrue();
        assertThat(finished.stdout()).endsWith("[berth: output truncated at 1048576 bytes]\n");
        assertThat(finished.stdout().length()).isLessThan(1048576 + 100);
    }
}
