package dev.berth.engine.spec;

import static dev.berth.engine.spec.SpecFixtures.GATE;
import static dev.berth.engine.spec.SpecFixtures.admitted;
import static dev.berth.engine.spec.SpecFixtures.context;
import static dev.berth.engine.spec.SpecFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The gate hook's shape. What the hook does with its FIFOs (start-gate.c) is proved in real
 * containers by StartGateTest: a job's program runs only on the verdict "go".
 */
class StartGateGeneratorTest {

    @Test
    void theGateIsTheOverlayRootProgramGivenTheRootAndTheBundlesFifosWithATimeout() {
        ObjectNode spec = SpecFixtures.MAPPER.createObjectNode();
        new StartGateGenerator().generate(context(admitted(request("true")), GATE, Optional.empty()), spec);

        JsonNode hooks = spec.get("hooks");
        assertThat(hooks.size()).as("hook kinds in " + hooks).isEqualTo(1);
        assertThat(hooks.get("createContainer")).hasSize(1);
        JsonNode hook = hooks.get("createContainer").get(0);
        assertThat(hook.get("path").asText()).isEqualTo(SpecFixtures.OVERLAY_ROOT.toString());
        List<String> args = new ArrayList<>();
        hook.get("args").forEach(arg -> args.add(arg.asText()));
        assertThat(args).containsExactly(OverlayRoot.TOOL, GATE.bundleDir().toString(), SpecFixtures.IMAGE.rootfs().toString(),
                GATE.stateFifo().toString(), GATE.verdictFifo().toString());
        assertThat(hook.get("timeout").asInt()).isEqualTo(StartGateGenerator.TIMEOUT_SECONDS);
        assertThat(StartGateGenerator.isGate(hook)).isTrue();
    }

    @Test
    void theGateComesAfterTheJobDataHooksSoItOpensLast() {
        ObjectNode spec = SpecFixtures.MAPPER.createObjectNode();
        spec.withObject("/hooks").withArray("createContainer").addObject().put("path", "/data-hook");
        new StartGateGenerator().generate(context(admitted(request("true")), GATE, Optional.empty()), spec);

        JsonNode hooks = spec.at("/hooks/createContainer");
        assertThat(hooks).hasSize(2);
        assertThat(hooks.get(0).get("path").asText()).isEqualTo("/data-hook");
        assertThat(StartGateGenerator.isGate(hooks.get(1))).isTrue();
    }

    @Test
    void theOverlayRootWithoutTheFifosOrAnotherProgramIsNoGate() {
        ObjectNode spec = SpecFixtures.MAPPER.createObjectNode();
        new StartGateGenerator().generate(context(admitted(request("true")), GATE, Optional.empty()), spec);
        ObjectNode hook = (ObjectNode) spec.at("/hooks/createContainer/0");
        ObjectNode otherProgram = hook.deepCopy().put("path", "/bin/sh");
        ObjectNode noFifos = hook.deepCopy();
        noFifos.withArray("args").remove(4);

        assertThat(StartGateGenerator.isGate(otherProgram)).isFalse();
        assertThat(StartGateGenerator.isGate(noFifos)).isFalse();
    }
}
