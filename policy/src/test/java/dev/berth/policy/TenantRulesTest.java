package dev.berth.policy;

import static dev.berth.policy.Requests.acme;
import static dev.berth.policy.Requests.admitted;
import static dev.berth.policy.Requests.job;
import static dev.berth.policy.Requests.policy;
import static dev.berth.policy.Requests.refusal;
import static dev.berth.policy.Requests.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.policy.tenant.TenantPolicy;
import dev.berth.policy.tenant.TenantQuota;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Image allow-lists, denied environment variables and quotas that leave no room for any job. */
class TenantRulesTest {

    private static TenantPolicy images(String... patterns) {
        return policy(null, List.of(patterns), null, null, null, null, null, null, null);
    }

    @Test
    void anyImageByDefault() {
        assertThat(admitted(job().build(), acme()).decisions())
                .contains(new Decision("image.allowed", "image busybox matches \"*\" in tenant acme's allow-list"));
    }

    @Test
    void anImageOutsideTheAllowList() {
        assertThat(refusal(job().build(), acme(images("registry.local:5000/team/*"))))
                .isEqualTo(new Violation("image.policy", "image", "image busybox is not in tenant acme's allow-list "
                        + "[registry.local:5000/team/*]; use an allowed image or ask a platform admin to allow this one"));
    }

    @Test
    void repositoryPrefixAndDigestPatterns() {
        String digest = "sha256:" + "ab".repeat(32);
        TenantPolicy policy = images("busybox", "registry.local:5000/team/*", digest);

        for (String allowed : List.of("busybox", "busybox:1.36", "registry.local:5000/team/app:v1",
                "registry.local:5000/team/a/b", "other@" + digest)) {
            admitted(job().image(allowed).build(), acme(policy));
        }
        for (String denied : List.of("busybox-evil", "registry.local:5000/teamx/app", "registry.local:5000/team",
                "other:latest", "other@sha256:" + "cd".repeat(32))) {
            assertThat(refused(job().image(denied).build(), acme(policy))).as(denied)
                    .extracting(Violation::rule).containsExactly("image.policy");
        }
    }

    @Test
    void deniedEnvironmentVariables() {
        TenantPolicy policy = policy(null, null, null, null, null, null, null, null, List.of("LD_*", "SECRET"));
        JobRequest request = job().env(Map.of("PATH", "/bin", "LD_PRELOAD", "/x.so", "SECRET", "s")).build();

        assertThat(refused(request, acme(policy))).containsExactly(
                new Violation("env.policy", "env.LD_PRELOAD", "LD_PRELOAD is denied by tenant acme's policy (\"LD_*\"); remove it from env"),
                new Violation("env.policy", "env.SECRET", "SECRET is denied by tenant acme's policy (\"SECRET\"); remove it from env"));
        assertThat(admitted(job().env(Map.of("PATH", "/bin")).build(), acme(policy)).env()).containsEntry("PATH", "/bin");
    }

    @Test
    void aQuotaWithoutRunningJobsRefusesEverything() {
        assertThat(refused(job().build(), acme(new TenantQuota(0, 4000, 8192, 4096, 1L << 30, 0)))).containsExactly(
                new Violation("quota.concurrent-jobs", "",
                        "tenant acme's quota allows no running jobs (concurrentJobs 0); ask a platform admin to raise it"),
                new Violation("quota.jobs-per-hour", "",
                        "tenant acme's quota allows no jobs per hour (jobsPerHour 0); ask a platform admin to raise it"));
    }

    @Test
    void anIncompleteQuotaRefusesWithARule() {
        assertThat(refusal(job().build(), acme(new TenantQuota(4, null, 8192, 4096, 1L << 30, 600))))
                .isEqualTo(new Violation("quota.invalid", "",
                        "tenant acme's quota is incomplete or negative (cpuMillis: set cpuMillis (0 means none)); a platform admin has to fix it"));
    }

    @Test
    void aTenantRangeHoldingTheServiceAccountIsAConfigurationError() {
        assertThatThrownBy(() -> new AdmissionContext("acme", new IdRange(900, 65_536), Requests.SERVICE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/etc/subuid");
    }
}
