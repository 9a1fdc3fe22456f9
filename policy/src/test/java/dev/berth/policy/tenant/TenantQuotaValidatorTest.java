package dev.berth.policy.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.policy.Violation;
import org.junit.jupiter.api.Test;

class TenantQuotaValidatorTest {

    @Test
    void theDefaultsAndAPausedTenantAreValid() {
        assertThat(TenantQuotaValidator.validate(TenantQuota.defaults())).isEmpty();
        assertThat(TenantQuotaValidator.validate(new TenantQuota(0, 0, 0, 0, 0L, 0))).isEmpty();
    }

    @Test
    void everyValueIsRequiredAndNotNegative() {
        assertThat(TenantQuotaValidator.validate(new TenantQuota(null, -1, 1024, 100, null, 10))).containsExactly(
                new Violation("quota.required", "concurrentJobs", "set concurrentJobs (0 means none)"),
                new Violation("quota.range", "cpuMillis", "must not be negative, got -1"),
                new Violation("quota.required", "logBytes", "set logBytes (0 means none)"));
    }

    @Test
    void theStorageQuotasThatCameLaterDefaultWhenAbsentButAreRangeChecked() {
        TenantQuota old = new TenantQuota(4, 4000, 8192, 4096, 1L << 30, 600);
        assertThat(old.registryBytes()).isEqualTo(TenantQuota.DEFAULT_REGISTRY_BYTES);
        assertThat(old.artifactBytes()).isEqualTo(TenantQuota.DEFAULT_ARTIFACT_BYTES);
        assertThat(old.uploadBytes()).isEqualTo(TenantQuota.DEFAULT_UPLOAD_BYTES);
        assertThat(new TenantQuota(4, 4000, 8192, 4096, 1L << 30, 600, 5L, 6L).uploadBytes()).isEqualTo(TenantQuota.DEFAULT_UPLOAD_BYTES);
        assertThat(TenantQuotaValidator.validate(new TenantQuota(4, 4000, 8192, 4096, 1L << 30, 600, -1L, -2L, -3L))).containsExactly(
                new Violation("quota.range", "registryBytes", "must not be negative, got -1"),
                new Violation("quota.range", "artifactBytes", "must not be negative, got -2"),
                new Violation("quota.range", "uploadBytes", "must not be negative, got -3"));
        assertThat(TenantQuotaValidator.validate(new TenantQuota(4, 4000, 8192, 4096, 1L << 30, 600, 0L, 0L, 0L))).isEmpty();
    }
}
