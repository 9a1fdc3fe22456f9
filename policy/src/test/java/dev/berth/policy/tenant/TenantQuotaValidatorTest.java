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
}
