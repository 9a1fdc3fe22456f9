package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** No capability in any set, no_new_privileges on, and what capabilities would guard stays refused. */
class CapabilitiesTest extends EngineTestSupport {

    @Test
    void capabilitiesAreEmptyAndNoNewPrivilegesIsSet() throws Exception {
        Finished finished = run(plan(shell("grep -E '^(CapInh|CapEff|CapPrm|CapBnd|CapAmb|NoNewPrivs)' /proc/self/status"), 1));

        assertThat(finished.stdout().lines().map(String::strip)).containsExactlyInAnyOrder(
                "CapInh:\t0000000000000000", "CapPrm:\t0000000000000000", "CapEff:\t0000000000000000",
                "CapBnd:\t0000000000000000", "CapAmb:\t0000000000000000", "NoNewPrivs:\t1");
    }

    @Test
    void privilegedOperationsAreRefused() throws Exception {
        List<String> checks = List.of("setuid_root", "sethostname", "mknod_block", "mknod_char", "chroot");
        Finished finished = run(plan(EscapeProbe.request(checks), 1));
        EscapeProbe.assertAnswers(finished, EscapeProbe.each(checks, EscapeProbe.Expectation.denied(
                "without CAP_SETUID, CAP_SYS_ADMIN, CAP_MKNOD and CAP_SYS_CHROOT the kernel (or, first, the filter) answers EPERM on every host", "EPERM")));
    }
}
