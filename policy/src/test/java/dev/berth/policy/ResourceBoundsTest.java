package dev.berth.policy;

import static dev.berth.policy.Requests.acme;
import static dev.berth.policy.Requests.admitted;
import static dev.berth.policy.Requests.job;
import static dev.berth.policy.Requests.policy;
import static dev.berth.policy.Requests.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.policy.tenant.PerJobMaxima;
import dev.berth.policy.tenant.TenantPolicy;
import dev.berth.policy.tenant.TenantQuota;
import org.junit.jupiter.api.Test;

/** Numbers a job asks for meet the tightest of ceiling, policy and quota, and the refusal names it. */
class ResourceBoundsTest {

    private static final TenantPolicy SMALL = policy(null, null, new PerJobMaxima(500, 1024, 64, 16), null, null,
            600, 1800, 1, null);

    @Test
    void aboveTheCeiling() {
        assertThat(refusal(job().resources(null, 8192, null, null).build(), acme()))
                .isEqualTo(new Violation("resources.memory.ceiling", "resources.memoryMiB",
                        "8192 MiB is above the platform's ceiling of 4096 MiB; ask for at most 4096"));
        assertThat(refusal(job().resources(3000, null, null, null).build(), acme()))
                .isEqualTo(new Violation("resources.cpu.ceiling", "resources.cpuMillis",
                        "3000 millicores is above the platform's ceiling of 2000 millicores; ask for at most 2000"));
        assertThat(refusal(job().resources(null, null, 5000, null).build(), acme()).rule()).isEqualTo("resources.pids.ceiling");
        assertThat(refusal(job().resources(null, null, null, 2048).build(), acme()).rule()).isEqualTo("resources.scratch.ceiling");
    }

    @Test
    void aboveThePolicyMaximum() {
        assertThat(refusal(job().resources(null, 2048, null, null).build(), acme(SMALL)))
                .isEqualTo(new Violation("resources.memory.policy", "resources.memoryMiB",
                        "2048 MiB is above tenant acme's policy maximum of 1024 MiB; ask for at most 1024, "
                                + "or ask a platform admin to raise the policy"));
        assertThat(refusal(job().resources(null, null, null, 32).build(), acme(SMALL)).rule()).isEqualTo("resources.scratch.policy");
    }

    @Test
    void aboveTheQuotaCanNeverStart() {
        TenantQuota quota = new TenantQuota(4, 4000, 512, 4096, 1L << 30, 600);
        assertThat(refusal(job().resources(null, 1024, null, null).build(), acme(quota)))
                .isEqualTo(new Violation("quota.memory", "resources.memoryMiB",
                        "1024 MiB is above tenant acme's total memory quota of 512 MiB; the job could never start; "
                                + "ask for at most 512, or ask a platform admin to raise the quota"));
        assertThat(refusal(job().resources(1500, null, null, null).build(),
                acme(new TenantQuota(4, 1000, 8192, 4096, 1L << 30, 600))).rule()).isEqualTo("quota.cpu");
    }

    @Test
    void aQuotaTooSmallForAnyJobRefusesEvenTheDefault() {
        assertThat(refusal(job().build(), acme(new TenantQuota(4, 4000, 8192, 4, 1L << 30, 600))))
                .isEqualTo(new Violation("quota.pids", "resources.pids",
                        "even the smallest job (8 processes) is above tenant acme's total pids quota of 4 processes; "
                                + "a platform admin has to raise it"));
    }

    @Test
    void belowTheMinimum() {
        assertThat(refusal(job().resources(null, 4, null, null).build(), acme()))
                .isEqualTo(new Violation("resources.memory.range", "resources.memoryMiB", "must be at least 8 MiB, got 4"));
        assertThat(refusal(job().timeoutSeconds(0).build(), acme()))
                .isEqualTo(new Violation("timeout.range", "timeoutSeconds", "must be at least 1 s, got 0"));
        assertThat(refusal(job().retries(-1).build(), acme()))
                .isEqualTo(new Violation("retries.range", "retries", "must be at least 0, got -1"));
    }

    @Test
    void defaultsAreLoweredToThePolicyAndSaySo() {
        ExecutionPlan plan = admitted(job().build(), acme(policy(null, null, new PerJobMaxima(null, 128, null, null),
                null, null, null, null, null, null)));

        assertThat(plan.limits().memoryBytes()).isEqualTo(128L << 20);
        assertThat(plan.decisions()).contains(new Decision("resources.memory.default",
                "128 MiB: the platform default of 256 MiB lowered to tenant acme's policy maximum"));
    }

    @Test
    void aTieNamesTheCeilingNotThePolicy() {
        TenantPolicy atCeiling = policy(null, null, new PerJobMaxima(null, 4096, null, null), null, null, null, null, null, null);
        assertThat(refusal(job().resources(null, 5000, null, null).build(), acme(atCeiling)).rule())
                .isEqualTo("resources.memory.ceiling");
    }

    @Test
    void timeoutFollowsTheTenantDefaultAndMaximum() {
        ExecutionPlan plan = admitted(job().build(), acme(SMALL));
        assertThat(plan.timeoutSeconds()).isEqualTo(600);
        assertThat(plan.decisions()).contains(new Decision("timeout.default", "600 s, tenant acme's default"));

        assertThat(refusal(job().timeoutSeconds(3600).build(), acme(SMALL)))
                .isEqualTo(new Violation("timeout.policy", "timeoutSeconds",
                        "3600 s is above tenant acme's policy maximum of 1800 s; ask for at most 1800, "
                                + "or ask a platform admin to raise the policy"));
        assertThat(refusal(job().timeoutSeconds(100_000).build(), acme()).rule()).isEqualTo("timeout.ceiling");
    }

    @Test
    void retriesFollowThePolicy() {
        assertThat(refusal(job().retries(2).build(), acme(SMALL)).rule()).isEqualTo("retries.policy");
        assertThat(admitted(job().retries(1).build(), acme(SMALL)).retries()).isEqualTo(1);
        assertThat(refusal(job().retries(6).build(), acme()).rule()).isEqualTo("retries.ceiling");
    }

    @Test
    void requestedValuesWithinBoundsAreKept() {
        ExecutionPlan plan = admitted(job().resources(250, 512, 32, 8).build(), acme(SMALL));
        assertThat(plan.limits()).isEqualTo(new Limits(250, 512L << 20, 32, 1024, 8L << 20));
    }
}
