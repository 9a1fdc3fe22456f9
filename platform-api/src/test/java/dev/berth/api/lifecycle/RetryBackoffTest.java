package dev.berth.api.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    private final RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(2), Duration.ofMinutes(1));

    @Test
    void eachRetryWaitsTwiceAsLongUpToTheMaximum() {
        assertThat(backoff.after(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.after(2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.after(5)).isEqualTo(Duration.ofSeconds(32));
        assertThat(backoff.after(6)).isEqualTo(Duration.ofMinutes(1));
        assertThat(backoff.after(1000)).isEqualTo(Duration.ofMinutes(1));
    }
}
