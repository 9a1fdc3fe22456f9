package dev.berth.engine.spec;

import static dev.berth.engine.spec.SpecFixtures.BASELINE_POLICY;
import static dev.berth.engine.spec.SpecFixtures.MAPPER;
import static dev.berth.engine.spec.SpecFixtures.admitted;
import static dev.berth.engine.spec.SpecFixtures.context;
import static dev.berth.engine.spec.SpecFixtures.generated;
import static dev.berth.engine.spec.SpecFixtures.grantingCeilings;
import static dev.berth.engine.spec.SpecFixtures.json;
import static dev.berth.engine.spec.SpecFixtures.normalized;
import static dev.berth.engine.spec.SpecFixtures.privilegedRequest;
import static dev.berth.engine.spec.SpecFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.PlatformCeilings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessGeneratorTest {

    private static JsonNode process(ExecutionPlan plan) {
        return generated(new ProcessGenerator(), context(plan)).get("process");
    }

    private static List<String> texts(JsonNode array) {
        return MAPPER.convertValue(array, MAPPER.getTypeFactory().constructCollectionType(List.class, String.class));
    }

    @Test
    void aDefaultPlanRunsItsCommandAsTheDefaultNonRootUserWithNothingGranted() {
        JsonNode process = process(admitted(request("sh", "-c", "echo hello")));

        assertThat(normalized(process)).isEqualTo(json("""
                {"terminal": false,
                 "user": {"uid": 1000, "gid": 1000, "additionalGids": []},
                 "args": ["sh", "-c", "echo hello"],
                 "env": ["PATH=%s", "HOME=/tmp"],
                 "cwd": "/tmp",
                 "capabilities": {"bounding": [], "effective": [], "permitted": [], "inheritable": [], "ambient": []},
                 "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
                 "noNewPrivileges": true}
                """.formatted(ProcessGenerator.DEFAULT_PATH)));
    }

    @Test
    void theRequestedUserBecomesUidAndGidWithNoSupplementaryGroups() {
        JsonNode user = process(admitted(request(null, null, 4242, null, "id"))).get("user");

        assertThat(user.get("uid").asLong()).isEqualTo(4242);
        assertThat(user.get("gid").asLong()).isEqualTo(4242);
        assertThat(user.get("additionalGids")).isEmpty();
    }

    @Test
    void theJobsEnvironmentOverridesTheDefaultsOnceAndKeepsEveryOtherVariable() {
        JsonNode process = process(admitted(request(Map.of("PATH", "/opt/tool/bin", "HOME", "/tmp/home", "GREETING", "a=b c"),
                "/tmp/work", null, null, "env")));

        assertThat(texts(process.get("env"))).containsExactlyInAnyOrder("PATH=/opt/tool/bin", "HOME=/tmp/home", "GREETING=a=b c");
        assertThat(process.get("cwd").asText()).isEqualTo("/tmp/work");
    }

    @Test
    void aGrantedCapabilityIsInEverySetSoANonRootUidReallyHoldsIt() {
        JsonNode capabilities = process(admitted(privilegedRequest(List.of("NET_BIND_SERVICE"), PlatformCeilings.NO_NETWORK),
                grantingCeilings(1024), BASELINE_POLICY)).get("capabilities");

        assertThat(ProcessGenerator.CAPABILITY_SETS).containsExactlyInAnyOrder("bounding", "effective", "permitted", "inheritable", "ambient");
        for (String set : ProcessGenerator.CAPABILITY_SETS) {
            assertThat(texts(capabilities.get(set))).as(set).containsExactly("CAP_NET_BIND_SERVICE");
        }
        assertThat(capabilities.size()).isEqualTo(ProcessGenerator.CAPABILITY_SETS.size());
    }

    @Test
    void theOpenFilesLimitIsThePlansAsBothHardAndSoftLimit() {
        JsonNode rlimits = process(admitted(privilegedRequest(null, null), grantingCeilings(65_536), BASELINE_POLICY)).get("rlimits");

        assertThat(normalized(rlimits)).isEqualTo(json("""
                [{"type": "RLIMIT_NOFILE", "hard": 65536, "soft": 65536}]
                """));
    }

    @Test
    void argumentsPassThroughUnchangedWithoutAShellInBetween() {
        List<String> command = List.of("printf", "%s|", "two words", "'quoted'", "$HOME", "", "--");

        assertThat(texts(process(admitted(request(command.toArray(String[]::new)))).get("args"))).isEqualTo(command);
    }
}
