package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The start gate's line to the engine: two host pids, nothing else (StartGateTest runs the gate itself). */
class GatePidsTest {

    @Test
    void theHooksPidThenTheContainers() throws IOException {
        assertThat(GatePids.parse("4242 4241")).isEqualTo(new GatePids(4242, 4241));
    }

    @ParameterizedTest(name = "line {0}")
    @ValueSource(strings = {"", "4242", "4242 4241 {\"pid\":1}", "0 4241", "4242 -1", "4242  4241", "x 4241", "99999999999 1"})
    void anythingElseIsRefusedWithTheLineItSent(String line) {
        assertThatThrownBy(() -> GatePids.parse(line)).isInstanceOf(IOException.class).hasMessageContaining("'" + line + "'");
    }
}
