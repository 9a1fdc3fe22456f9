package dev.berth.engine.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The start gate: the last createContainer hook, which holds the container after its namespaces,
 * ID maps, cgroup, limits and mounts exist but before the job's program runs. It hands the host
 * pids of the container process and of the hook itself to the engine and waits for a verdict, so
 * the job only starts once the engine has seen its limits in the kernel; any other answer, or
 * none within the timeout, makes the runtime abort the container.
 *
 * The hook is the {@link OverlayRoot} program, which first puts the job's overlay root in place
 * (see {@link MountGenerator}) and then runs the gate (src/main/c/start-gate.c): one static
 * process per start in place of a second hook, a /bin/sh that cost about 7 ms of every start.
 * Last, so that the job data's hooks (secrets, the artifact collector's hand-over) have run
 * before the engine decides; the pid of the hook is where an egress job's network is connected.
 */
public final class StartGateGenerator implements SpecGenerator {

    public static final String GO = "go";
    static final int TIMEOUT_SECONDS = 30;
    /** The program, the bundle, the root, the state FIFO, the verdict FIFO. */
    private static final int GATE_ARGUMENTS = 5;

    @Override
    public void generate(BundleContext context, ObjectNode spec) {
        ArrayNode hooks = spec.withObject("/hooks").withArray("createContainer");
        ObjectNode hook = hooks.addObject();
        hook.put("path", context.overlayRoot().toString());
        hook.putArray("args").add(OverlayRoot.TOOL)
                .add(context.gate().bundleDir().toString())
                .add(context.image().rootfs().toString())
                .add(context.gate().stateFifo().toString())
                .add(context.gate().verdictFifo().toString());
        hook.put("timeout", TIMEOUT_SECONDS);
    }

    /** Whether a hook is the gate: the overlay root program given the gate's two FIFOs. */
    static boolean isGate(JsonNode hook) {
        JsonNode args = hook.path("args");
        return args.size() == GATE_ARGUMENTS && args.get(0).asText().equals(OverlayRoot.TOOL)
                && hook.path("path").asText().endsWith("/" + OverlayRoot.TOOL);
    }
}
