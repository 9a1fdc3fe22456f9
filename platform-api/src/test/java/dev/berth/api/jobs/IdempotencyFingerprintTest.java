package dev.berth.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.policy.JobRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdempotencyFingerprintTest {

    private static JobRequest request(Map<String, String> env, List<String> command) {
        return new JobRequest("busybox", command, env, null, null, null, null, null, null, null, null);
    }

    @Test
    void mapOrderDoesNotChangeTheFingerprintButAnyValueDoes() {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("A", "1");
        ab.put("B", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("B", "2");
        ba.put("A", "1");
        assertThat(IdempotencyKeys.fingerprint(request(ab, List.of("true"))))
                .isEqualTo(IdempotencyKeys.fingerprint(request(ba, List.of("true"))))
                .isNotEqualTo(IdempotencyKeys.fingerprint(request(ab, List.of("false"))))
                .isNotEqualTo(IdempotencyKeys.fingerprint(request(Map.of("A", "1", "B", "3"), List.of("true"))));
    }
}
