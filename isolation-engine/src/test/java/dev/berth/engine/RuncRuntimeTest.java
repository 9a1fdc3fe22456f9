package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.policy.ResourceRequest;
import dev.berth.policy.seccomp.SeccompProfiles;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * runc, the other common OCI runtime, behind the same interface: it gets the JSON seccomp profile
 * (it has no precompiled form) and the same start gate, limits and ID maps.
 */
class RuncRuntimeTest extends EngineTestSupport {

    static final Path RUNC = Path.of("/usr/sbin/runc");

    @BeforeEach
    void useRunc() throws Exception {
        engine.close();
        config = new EngineConfig(RUNC, temp.resolve("runc-engine"), TestImages.directory(), CGROUP_PARENT, 1024 * 1024, Duration.ofSeconds(2));
        engine = IsolationEngine.create(config);
        assertThat(engine.readinessProblems()).as("runc must be installed (scripts/host-setup.sh installs it)").isEmpty();
        assertThat(engine.runtimeVersion()).startsWith("runc");
    }

    @Test
    void aJobRunsRootlessWithVerifiedLimitsAndTheTenantsIdMap() throws Exception {
        var planned = plan(shell("id -u; cat /proc/self/uid_map; touch /bin/x 2>&1", new ResourceRequest(500, 64, 32, null), null), 2);
        Finished finished = run(planned);

        assertThat(finished.outcome().succeeded()).as("%s %s", finished.outcome(), finished.stderr()).isFalse();
        assertThat(finished.stdout()).startsWith("1000\n").contains("Read-only file system");
        assertThat(finished.outcome().security()).hasValueSatisfying(security -> {
            assertThat(security.uidMappings()).isEqualTo(planned.uidMappings());
            assertThat(security.limits().memoryBytes()).isEqualTo(64L << 20);
            assertThat(security.seccompProfile()).isEqualTo(SeccompProfiles.restricted().reference());
        });
    }

    @Test
    void theJsonSeccompProfileRefusesWhatInvariantFourForbids() throws Exception {
        Finished finished = run(plan(EscapeProbe.request(SeccompTest.INVARIANT_FOUR), 1));

        EscapeProbe.assertAnswers(finished, SeccompTest.invariantFourRefusedByTheFilter());
    }

    @Test
    void aMemoryHogEndsOomKilled() throws Exception {
        Finished finished = run(plan(shell("head -c 200m /dev/zero | tail > /dev/null", new ResourceRequest(null, 32, null, null), null), 1));

        assertThat(finished.outcome().reason()).as("%s %s", finished.outcome(), finished.stderr()).contains(TerminationReason.OOMKilled);
    }
}
