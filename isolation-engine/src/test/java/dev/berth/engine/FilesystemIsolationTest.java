package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The image is read-only and shared; /tmp is the job's own writable scratch. */
class FilesystemIsolationTest extends EngineTestSupport {

    @Test
    void rootFilesystemIsReadOnlyAndScratchIsWritable() throws Exception {
        Finished finished = run(plan(shell("touch /bin/evil 2>&1 || echo denied; echo ok > /tmp/f && cat /tmp/f"), 1));

        assertThat(finished.stdout()).contains("Read-only file system").contains("denied").contains("ok");
    }

    @Test
    void capabilitiesAreEmptyAndNoNewPrivilegesIsSet() throws Exception {
        Finished finished = run(plan(shell("grep -E '^(CapEff|CapPrm|CapBnd|NoNewPrivs)' /proc/self/status"), 1));

        assertThat(finished.stdout().lines().map(String::strip)).containsExactlyInAnyOrder(
                "CapPrm:\t0000000000000000", "CapEff:\t0000000000000000", "CapBnd:\t0000000000000000", "NoNewPrivs:\t1");
    }
}
