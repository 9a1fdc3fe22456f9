package dev.berth.engine.spec;

import static dev.berth.engine.spec.SpecFixtures.GATE;
import static dev.berth.engine.spec.SpecFixtures.admitted;
import static dev.berth.engine.spec.SpecFixtures.context;
import static dev.berth.engine.spec.SpecFixtures.generated;
import static dev.berth.engine.spec.SpecFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.PlatformCeilings;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gate hook's shape, and its script run for real by /bin/sh as the runtime would run it
 * (state on stdin, the FIFO paths as $1 and $2), with plain files standing in for the FIFOs.
 */
class StartGateGeneratorTest {

    private static final String STATE = "{\"ociVersion\":\"1.0.2\",\"id\":\"job 1\",\"pid\":4242,\"bundle\":\"/a b\\\\c\"}";

    @TempDir
    Path temp;

    private static JsonNode hook(BundleContext.StartGate gate) {
        JsonNode hooks = generated(new StartGateGenerator(), context(admitted(request("true")), gate, Optional.empty())).get("hooks");
        assertThat(hooks.size()).as("hook kinds in " + hooks).isEqualTo(1);
        assertThat(hooks.get("createRuntime")).hasSize(1);
        return hooks.get("createRuntime").get(0);
    }

    @Test
    void anEgressJobsGateIsTheLastCreateContainerHookAndReportsItsAndItsParentsHostPidsBeforeTheState() throws Exception {
        ExecutionPlan plan = admitted(SpecFixtures.privilegedRequest(null, PlatformCeilings.EGRESS_NETWORK), SpecFixtures.grantingCeilings(1024),
                SpecFixtures.BASELINE_POLICY);
        ObjectNode spec = SpecFixtures.MAPPER.createObjectNode();
        spec.withObject("/hooks").withArray("createContainer").addObject().put("path", "/data-hook");
        new StartGateGenerator().generate(context(plan, GATE, Optional.empty()), spec);

        JsonNode hooks = spec.get("hooks");
        assertThat(hooks.has("createRuntime")).isFalse();
        assertThat(hooks.get("createContainer")).hasSize(2);
        assertThat(hooks.get("createContainer").get(0).get("path").asText()).isEqualTo("/data-hook");
        JsonNode gate = hooks.get("createContainer").get(1);
        assertThat(gate.get("args").get(3).asText()).isEqualTo(StartGateGenerator.HOOK_NAME);
        Path state = temp.resolve("state");
        Path verdict = Files.writeString(temp.resolve("verdict"), StartGateGenerator.GO + "\n");
        Process shell = new ProcessBuilder("sh", "-c", gate.get("args").get(2).asText(), StartGateGenerator.HOOK_NAME, state.toString(),
                verdict.toString()).start();
        try (OutputStream in = shell.getOutputStream()) {
            in.write((STATE + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertThat(shell.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(shell.exitValue()).isZero();
        // /proc/self/stat of the gate's shell: its pid and its parent's as the host sees them, then the state unaltered.
        assertThat(Files.readString(state)).isEqualTo(shell.pid() + " " + ProcessHandle.current().pid() + " " + STATE + "\n");
    }

    @Test
    void oneCreateRuntimeHookRunsTheGateScriptOnTheBundlesFifosWithATimeout() {
        JsonNode hook = hook(GATE);

        assertThat(hook.get("path").asText()).isEqualTo("/bin/sh");
        List<String> args = new ArrayList<>();
        hook.get("args").forEach(arg -> args.add(arg.asText()));
        assertThat(args).hasSize(6);
        assertThat(args.subList(0, 2)).containsExactly("sh", "-c");
        assertThat(args.subList(3, 6)).containsExactly(StartGateGenerator.HOOK_NAME, GATE.stateFifo().toString(), GATE.verdictFifo().toString());
        assertThat(hook.get("timeout").asInt()).isEqualTo(StartGateGenerator.TIMEOUT_SECONDS);
    }

    @Test
    void theVerdictGoLetsTheContainerStartAfterTheStateWentOutAsOneUnalteredLine() throws Exception {
        Gate gate = gate("go\n");

        assertThat(gate.run()).isZero();
        assertThat(Files.readString(gate.paths().stateFifo())).isEqualTo(STATE + "\n");
    }

    @ParameterizedTest(name = "verdict {0}")
    @ValueSource(strings = {"stop\n", "", "\n", "go on\n", "GO\n", "no\ngo\n"})
    void anyOtherVerdictOrNoneAbortsTheContainer(String verdict) throws Exception {
        assertThat(gate(verdict).run()).isNotZero();
    }

    @Test
    void noVerdictFileAtAllAbortsTheContainer() throws Exception {
        Path bundle = Files.createDirectory(temp.resolve("bundle"));
        Gate gate = new Gate(new BundleContext.StartGate(bundle, bundle.resolve("state"), bundle.resolve("missing-verdict")));

        assertThat(gate.run()).isNotZero();
    }

    private Gate gate(String verdict) throws IOException {
        Path bundle = Files.createDirectory(temp.resolve("bundle"));
        BundleContext.StartGate paths = new BundleContext.StartGate(bundle, bundle.resolve("state"), bundle.resolve("verdict"));
        Files.writeString(paths.verdictFifo(), verdict);
        return new Gate(paths);
    }

    private record Gate(BundleContext.StartGate paths) {

        /** Runs the generated hook with the state on stdin and returns its exit status. */
        int run() throws IOException, InterruptedException {
            JsonNode hook = hook(paths);
            List<String> command = new ArrayList<>();
            command.add(hook.get("path").asText());
            hook.get("args").forEach(arg -> command.add(arg.asText()));
            command.remove(1);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write((STATE + "\n").getBytes(StandardCharsets.UTF_8));
            }
            assertThat(process.waitFor(StartGateGenerator.TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("the hook finished").isTrue();
            return process.exitValue();
        }
    }
}
