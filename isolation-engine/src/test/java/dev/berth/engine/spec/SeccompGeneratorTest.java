package dev.berth.engine.spec;

import static dev.berth.engine.spec.SpecFixtures.DENY_ALL_PROGRAM;
import static dev.berth.engine.spec.SpecFixtures.admitted;
import static dev.berth.engine.spec.SpecFixtures.context;
import static dev.berth.engine.spec.SpecFixtures.generated;
import static dev.berth.engine.spec.SpecFixtures.json;
import static dev.berth.engine.spec.SpecFixtures.normalized;
import static dev.berth.engine.spec.SpecFixtures.precompiledContext;
import static dev.berth.engine.spec.SpecFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.policy.seccomp.SeccompProfiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SeccompGeneratorTest {

    /** The profile exactly as this repository keeps it, read from the policy jar rather than through its parser. */
    private static ObjectNode profileText() throws IOException {
        try (InputStream in = SeccompProfiles.class.getResourceAsStream(SeccompProfiles.RESTRICTED + ".json")) {
            assertThat(in).as("the policy jar's " + SeccompProfiles.RESTRICTED + ".json").isNotNull();
            return (ObjectNode) json(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void theJsonFormIsTheRepositorysProfileWithEveryConditionAndWithoutItsNamesAndReasons() throws IOException {
        ObjectNode expected = profileText();
        expected.remove("name");
        expected.remove("why");
        for (JsonNode rule : expected.get("syscalls")) {
            ((ObjectNode) rule).remove("group");
            ((ObjectNode) rule).remove("why");
            if (!rule.has("args")) {
                ((ObjectNode) rule).putArray("args");
            }
        }

        ObjectNode spec = generated(new SeccompGenerator(), context(admitted(request("true"))));

        assertThat(normalized(spec.get("linux").get("seccomp"))).isEqualTo(expected);
        assertThat(spec.has("annotations")).as("no precompiled program next to the JSON form").isFalse();
    }

    @Test
    void anErrnoRuleCarriesItsErrnoAndAConditionalRuleItsArgumentConditions() {
        JsonNode syscalls = generated(new SeccompGenerator(), context(admitted(request("true")))).get("linux").get("seccomp").get("syscalls");

        for (JsonNode rule : syscalls) {
            assertThat(rule.has("errnoRet")).as(rule.toString()).isEqualTo(rule.get("action").asText().equals("SCMP_ACT_ERRNO"));
        }
        assertThat(syscalls).anySatisfy(rule -> assertThat(normalized(rule)).isEqualTo(json("""
                {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38, "args": []}
                """)));
        assertThat(syscalls).anySatisfy(rule -> assertThat(normalized(rule)).isEqualTo(json("""
                {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
                 "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]}
                """)));
    }

    @Test
    void aPrecompiledProgramGoesToCrunsAnnotationAloneSoTheRuntimeCompilesNothing() {
        ObjectNode spec = generated(new SeccompGenerator(), precompiledContext(admitted(request("true"))));

        assertThat(normalized(spec)).isEqualTo(json("""
                {"annotations": {"%s": "%s"}}
                """.formatted(SeccompGenerator.BPF_ANNOTATION, DENY_ALL_PROGRAM)));
    }
}
