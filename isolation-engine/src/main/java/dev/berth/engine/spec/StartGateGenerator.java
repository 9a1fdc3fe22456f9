package dev.berth.engine.spec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.PlatformCeilings;

/**
 * A createRuntime hook that holds the container after its namespaces and cgroup exist but before
 * the job's program runs. It hands the container state (with the pid) to the engine and waits
 * for a verdict, so the job only starts once the engine has seen its limits in the kernel; any
 * other answer, or none within the timeout, makes the runtime abort the container.
 */
public final class StartGateGenerator implements SpecGenerator {

    public static final String GO = "go";
    static final int TIMEOUT_SECONDS = 30;
    /** The hook's $0, by which the validator recognises the gate among a spec's hooks. */
    static final String HOOK_NAME = "berth-start-gate";
    /**
     * The state goes out as one line; the verdict comes back as one line. Shell builtins only, since
     * every process the hook forks delays the job's start.
     */
    private static final String SCRIPT = "IFS= read -r state; printf '%s\\n' \"$state\" > \"$1\" && read -r verdict < \"$2\" && [ \"$verdict\" = " + GO + " ]";

    /**
     * In network mode egress the gate is a createContainer hook: it runs inside the job's
     * namespaces, and the service user can open the namespaces of the hook (a freshly executed,
     * dumpable shell) where crun's own container process refuses it. crun runs the hook from the
     * container process and reports pid 0 in its state, so the hook reports its own host pid and
     * its parent's (the container process), read from the host's /proc that is still mounted
     * before the pivot, in front of the state.
     */
    private static final String EGRESS_SCRIPT = "IFS= read -r state; read -r pid comm run ppid rest < /proc/self/stat;"
            + " printf '%s %s %s\\n' \"$pid\" \"$ppid\" \"$state\" > \"$1\" && read -r verdict < \"$2\" && [ \"$verdict\" = " + GO + " ]";

    /** Whether a plan's gate reports the hook's own pid and the container's in front of the state (see {@link #EGRESS_SCRIPT}). */
    public static boolean reportsHookPid(ExecutionPlan plan) {
        return PlatformCeilings.EGRESS_NETWORK.equals(plan.network());
    }

    @Override
    public void generate(BundleContext context, ObjectNode spec) {
        boolean egress = reportsHookPid(context.plan());
        // Appended: in egress mode the gate comes after the job data's createContainer hooks, so it opens last.
        ArrayNode hooks = spec.withObject("/hooks").withArray(egress ? "createContainer" : "createRuntime");
        ObjectNode hook = hooks.addObject();
        hook.put("path", "/bin/sh");
        ArrayNode args = hook.putArray("args");
        args.add("sh").add("-c").add(egress ? EGRESS_SCRIPT : SCRIPT).add(HOOK_NAME)
                .add(context.gate().stateFifo().toString())
                .add(context.gate().verdictFifo().toString());
        hook.put("timeout", TIMEOUT_SECONDS);
    }
}
