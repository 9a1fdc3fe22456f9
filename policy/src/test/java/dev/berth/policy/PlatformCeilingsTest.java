package dev.berth.policy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** A baseline that would weaken an invariant stops the platform at start-up with the reason. */
class PlatformCeilingsTest {

    private static PlatformCeilings with(Set<String> capabilities, Set<String> networks, int defaultMemory, String seccomp) {
        return new PlatformCeilings(1000, 2000, defaultMemory, 4096, 256, 1024, 64, 1024, 3600, 86_400, 5, 1024, 1000,
                capabilities, networks, seccomp);
    }

    @Test
    void onlyNetBindServiceCanBeAllowed() {
        assertThatThrownBy(() -> with(Set.of("NET_BIND_SERVICE", "SYS_ADMIN"), Set.of("none"), 256, "berth-restricted"))
                .hasMessage("invalid platform baseline: the platform may allow NET_BIND_SERVICE at most, got [NET_BIND_SERVICE, SYS_ADMIN]");
    }

    @Test
    void hostNetworkingIsNeverAMode() {
        assertThatThrownBy(() -> with(Set.of(), Set.of("none", "host"), 256, "berth-restricted"))
                .hasMessageContaining("\"host\" would let jobs reach the platform's own ports");
        assertThatThrownBy(() -> with(Set.of(), Set.of("egress"), 256, "berth-restricted"))
                .hasMessageContaining("\"none\" must stay available");
    }

    @Test
    void defaultsStayUnderTheCeilingsAndTheSeccompProfileIsOneWeKeep() {
        assertThatThrownBy(() -> with(Set.of(), Set.of("none"), 8192, "berth-restricted"))
                .hasMessage("invalid platform baseline: the default memory MiB (8192) must be between 1 and the ceiling (4096)");
        assertThatThrownBy(() -> with(Set.of(), Set.of("none"), 256, "unconfined"))
                .hasMessageContaining("the seccomp profile must be one kept in this repository (berth-restricted), got unconfined");
    }
}
