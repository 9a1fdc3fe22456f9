package dev.berth.engine.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Masking finds every exact occurrence, however the output is cut into reads. */
class SecretMaskTest {

    @Test
    void occurrencesSplitAtEveryByteAreMasked() throws IOException {
        String text = "a hunter2 b hunter2hunter2 hunte c hunter2";
        for (int chunk = 1; chunk <= text.length(); chunk++) {
            assertThat(masked(text, chunk, List.of("hunter2"))).as("reads of %d bytes", chunk).isEqualTo("a *** b ****** hunte c ***");
        }
    }

    @Test
    void aValueInsideALongerOneIsMaskedWithIt() throws IOException {
        assertThat(masked("x token-long y token z", 3, List.of("token", "token-long"))).isEqualTo("x *** y *** z");
    }

    @Test
    void withoutSecretsTheOutputIsUntouched() throws IOException {
        InputStream source = new ByteArrayInputStream("plain".getBytes(StandardCharsets.UTF_8));
        assertThat(SecretMask.of(source, List.of())).isSameAs(source);
    }

    private static String masked(String text, int chunk, List<String> values) throws IOException {
        InputStream trickle = new InputStream() {
            private final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            private int at;

            @Override
            public int read() {
                return at < bytes.length ? bytes[at++] & 0xff : -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (at >= bytes.length) {
                    return -1;
                }
                int count = Math.min(Math.min(length, chunk), bytes.length - at);
                System.arraycopy(bytes, at, buffer, offset, count);
                at += count;
                return count;
            }
        };
        return new String(SecretMask.of(trickle, values.stream().map(v -> v.getBytes(StandardCharsets.UTF_8)).toList()).readAllBytes(),
                StandardCharsets.UTF_8);
    }
}
