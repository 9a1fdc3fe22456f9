package dev.berth.engine.spec;

import static dev.berth.engine.spec.SpecFixtures.admitted;
import static dev.berth.engine.spec.SpecFixtures.built;
import static dev.berth.engine.spec.SpecFixtures.context;
import static dev.berth.engine.spec.SpecFixtures.generated;
import static dev.berth.engine.spec.SpecFixtures.precompiledContext;
import static dev.berth.engine.spec.SpecFixtures.request;
import static dev.berth.engine.spec.SpecFixtures.runningAs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OciSpecBuilderTest {

    /** Every generator the builder runs, each of which must survive the others in the combined spec. */
    private static final List<SpecGenerator> GENERATORS = List.of(new ProcessGenerator(), new NamespaceGenerator(), new MountGenerator(),
            new SeccompGenerator(), new CgroupGenerator(), new StartGateGenerator());

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void theSpecNamesItsOciVersionAndHoldsExactlyWhatEachGeneratorWritesAlone() {
        BundleContext context = context(admitted(request("sh", "-c", "true")));
        ObjectNode spec = built(context);

        assertThat(spec.get("ociVersion").asText()).isEqualTo(OciSpecBuilder.OCI_VERSION);
        Set<String> topLevel = new HashSet<>(Set.of("ociVersion"));
        // linux and hooks are shared by several generators: each writes its own members of them.
        Map<String, List<String>> shared = Map.of("linux", new ArrayList<>(), "hooks", new ArrayList<>());
        for (SpecGenerator generator : GENERATORS) {
            ObjectNode alone = generated(generator, context);
            for (String field : fieldNames(alone)) {
                topLevel.add(field);
                if (shared.containsKey(field)) {
                    for (String part : fieldNames(alone.get(field))) {
                        assertThat(spec.get(field).get(part)).as(generator.getClass().getSimpleName() + " " + field + "." + part)
                                .isEqualTo(alone.get(field).get(part));
                        shared.get(field).add(part);
                    }
                } else {
                    assertThat(spec.get(field)).as(generator.getClass().getSimpleName() + " " + field).isEqualTo(alone.get(field));
                }
            }
        }
        assertThat(fieldNames(spec)).containsExactlyInAnyOrderElementsOf(topLevel);
        shared.forEach((field, parts) -> assertThat(fieldNames(spec.get(field))).as(field).containsExactlyInAnyOrderElementsOf(parts));
        List<String> linux = shared.get("linux");
        assertThat(linux).contains("namespaces", "uidMappings", "gidMappings", "maskedPaths", "readonlyPaths", "seccomp",
                "cgroupsPath", "resources");
    }

    @Test
    void aPrecompiledProfileLeavesNoJsonFilterInTheSpec() {
        ObjectNode spec = built(precompiledContext(admitted(request("true"))));

        assertThat(spec.get("annotations").has(SeccompGenerator.BPF_ANNOTATION)).isTrue();
        assertThat(spec.get("linux").has("seccomp")).isFalse();
    }

    @Test
    void aPlanThatSlippedPastPolicyIsRefusedBeforeAnySpecLeavesTheBuilder() {
        BundleContext context = context(runningAs(admitted(request("true")), 0));

        assertThatThrownBy(() -> built(context))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("refusing to write an unsafe OCI spec")
                .hasMessageContaining("user.non-root: the job would run as uid 0");
    }
}
