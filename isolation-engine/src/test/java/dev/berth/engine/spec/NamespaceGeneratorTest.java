package dev.berth.engine.spec;

import static dev.berth.engine.spec.SpecFixtures.BASELINE_POLICY;
import static dev.berth.engine.spec.SpecFixtures.MAPPER;
import static dev.berth.engine.spec.SpecFixtures.OTHER_NETWORK;
import static dev.berth.engine.spec.SpecFixtures.SERVICE;
import static dev.berth.engine.spec.SpecFixtures.TENANT_RANGE;
import static dev.berth.engine.spec.SpecFixtures.admitted;
import static dev.berth.engine.spec.SpecFixtures.context;
import static dev.berth.engine.spec.SpecFixtures.generated;
import static dev.berth.engine.spec.SpecFixtures.grantingCeilings;
import static dev.berth.engine.spec.SpecFixtures.json;
import static dev.berth.engine.spec.SpecFixtures.normalized;
import static dev.berth.engine.spec.SpecFixtures.privilegedRequest;
import static dev.berth.engine.spec.SpecFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.PlatformCeilings;
import org.junit.jupiter.api.Test;

class NamespaceGeneratorTest {

    private static JsonNode linux(ExecutionPlan plan) {
        return generated(new NamespaceGenerator(), context(plan)).get("linux");
    }

    @Test
    void everyKindOfNamespaceIsFreshAndNoneJoinsAnExistingOne() {
        assertThat(normalized(linux(admitted(request("true"))).get("namespaces"))).isEqualTo(json("""
                [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"},
                 {"type": "mount"}, {"type": "cgroup"}, {"type": "user"}]
                """));
    }

    @Test
    void containerRootIsTheServiceUserAloneAndEveryOtherIdLandsInTheTenantsRange() {
        JsonNode linux = linux(admitted(request("true")));
        long tenantStart = TENANT_RANGE.hostStart();

        assertThat(normalized(linux.get("uidMappings"))).isEqualTo(json("""
                [{"containerID": 0, "hostID": %d, "size": 1}, {"containerID": 1, "hostID": %d, "size": 65535}]
                """.formatted(SERVICE.uid(), tenantStart + 1)));
        assertThat(normalized(linux.get("gidMappings"))).isEqualTo(json("""
                [{"containerID": 0, "hostID": %d, "size": 1}, {"containerID": 1, "hostID": %d, "size": 65535}]
                """.formatted(SERVICE.gid(), tenantStart + 1)));
    }

    @Test
    void theHostnameIsThePlansAndSaysNothingAboutTenantOrHost() {
        ExecutionPlan plan = admitted(request("true"));

        assertThat(generated(new NamespaceGenerator(), context(plan)).get("hostname").asText())
                .isEqualTo(plan.hostname())
                .isEqualTo("job");
    }

    @Test
    void aNetworkOtherThanNoneIsRefusedBeforeAnythingIsWritten() {
        ExecutionPlan plan = admitted(privilegedRequest(null, OTHER_NETWORK), grantingCeilings(1024), BASELINE_POLICY);
        ObjectNode spec = MAPPER.createObjectNode();

        assertThatThrownBy(() -> new NamespaceGenerator().generate(context(plan), spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("network mode " + OTHER_NETWORK + " is not supported by this engine");
        assertThat(spec).isEmpty();
    }

    @Test
    void anEgressJobStartsWithTheSameFreshNamespacesAsNone() {
        ExecutionPlan egress = admitted(privilegedRequest(null, PlatformCeilings.EGRESS_NETWORK), grantingCeilings(1024), BASELINE_POLICY);

        assertThat(linux(egress)).isEqualTo(linux(admitted(privilegedRequest(null, null), grantingCeilings(1024), BASELINE_POLICY)));
    }

    @Test
    void whatOtherGeneratorsWroteUnderLinuxStays() {
        ObjectNode spec = MAPPER.createObjectNode();
        spec.withObject("/linux").put("cgroupsPath", "/berth/other");

        new NamespaceGenerator().generate(context(admitted(request("true"))), spec);

        assertThat(spec.get("linux").get("cgroupsPath").asText()).isEqualTo("/berth/other");
        assertThat(spec.get("linux").get("namespaces")).hasSize(NamespaceGenerator.NAMESPACES.size());
    }
}
