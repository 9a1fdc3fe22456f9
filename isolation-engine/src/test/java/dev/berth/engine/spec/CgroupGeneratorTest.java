package dev.berth.engine.spec;

import static dev.berth.engine.spec.SpecFixtures.CGROUPS_PATH;
import static dev.berth.engine.spec.SpecFixtures.admitted;
import static dev.berth.engine.spec.SpecFixtures.context;
import static dev.berth.engine.spec.SpecFixtures.generated;
import static dev.berth.engine.spec.SpecFixtures.json;
import static dev.berth.engine.spec.SpecFixtures.normalized;
import static dev.berth.engine.spec.SpecFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.policy.ResourceRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CgroupGeneratorTest {

    private static JsonNode linux(ResourceRequest resources) {
        return generated(new CgroupGenerator(), context(admitted(request(null, null, null, resources, "true")))).get("linux");
    }

    @Test
    void aDefaultJobSitsBelowTheEnginesCgroupWithThePlatformDefaultsAndNoSwap() {
        JsonNode linux = linux(null);

        assertThat(linux.get("cgroupsPath").asText()).isEqualTo(CGROUPS_PATH);
        assertThat(normalized(linux.get("resources"))).isEqualTo(json("""
                {"memory": {"limit": 268435456, "swap": 268435456},
                 "cpu": {"quota": 100000, "period": 100000},
                 "pids": {"limit": 256}}
                """));
    }

    /** From the smallest job admission allows (10 millicores: the kernel's minimum CFS quota of 1 ms) to two full CPUs. */
    @ParameterizedTest(name = "{0} millicores, {1} MiB, {2} pids")
    @CsvSource({
        "10, 8, 8, 1000, 8388608",
        "1500, 1024, 64, 150000, 1073741824",
        "2000, 4096, 1024, 200000, 4294967296"})
    void requestedResourcesBecomeQuotaPerPeriodMemoryWithSwapEqualToItAndPids(int cpuMillis, int memoryMiB, int pids,
                                                                               long quota, long memoryBytes) {
        JsonNode resources = linux(new ResourceRequest(cpuMillis, memoryMiB, pids, null)).get("resources");

        assertThat(normalized(resources)).isEqualTo(json("""
                {"memory": {"limit": %d, "swap": %d},
                 "cpu": {"quota": %d, "period": 100000},
                 "pids": {"limit": %d}}
                """.formatted(memoryBytes, memoryBytes, quota, pids)));
    }
}
