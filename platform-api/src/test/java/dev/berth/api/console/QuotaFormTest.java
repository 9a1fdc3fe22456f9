package dev.berth.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.console.tenants.QuotaForm;
import dev.berth.policy.Violation;
import dev.berth.policy.tenant.TenantQuota;
import jakarta.ws.rs.core.MultivaluedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuotaFormTest {

    private static MultivaluedHashMap<String, String> form(Map<String, String> values) {
        MultivaluedHashMap<String, String> form = new MultivaluedHashMap<>();
        values.forEach(form::add);
        return form;
    }

    @Test
    void wholeNumbersBecomeTheQuotaAndEmptyFieldsStayNullForTheValidator() {
        FormState state = QuotaForm.read(form(Map.of("concurrentJobs", " 2 ", "cpuMillis", "1000", "memoryMiB", "128", "pids", "64",
                "logBytes", "5000000000")));
        assertThat(state.ok()).isTrue();
        assertThat(QuotaForm.quota(state)).isEqualTo(new TenantQuota(2, 1000, 128, 64, 5_000_000_000L, null));
    }

    @Test
    void textAndNumbersTooLargeAreNamedAtTheirFieldsAndKeptAsTyped() {
        FormState state = QuotaForm.read(form(Map.of("concurrentJobs", "two", "cpuMillis", "3000000000", "memoryMiB", "1.5")));
        assertThat(state.ok()).isFalse();
        assertThat(state.error("concurrentJobs")).contains("whole number").contains("\"two\"");
        assertThat(state.error("cpuMillis")).contains("at most 2147483647");
        assertThat(state.error("memoryMiB")).contains("whole number");
        assertThat(state.has("pids")).isFalse();
        assertThat(state.value("memoryMiB")).isEqualTo("1.5");
    }

    @Test
    void violationsGoNextToTheirFieldOrAboveTheForm() {
        FormState state = FormState.refused(Map.of("memoryMiB", "-1"), List.of(new Violation("quota.range", "memoryMiB", "must not be negative"),
                new Violation("tenant.id", "tenant", "bad tenant")), field -> field);
        assertThat(state.error("memoryMiB")).isEqualTo("must not be negative (quota.range)");
        assertThat(state.general()).isEqualTo("bad tenant (tenant.id)");
    }
}
