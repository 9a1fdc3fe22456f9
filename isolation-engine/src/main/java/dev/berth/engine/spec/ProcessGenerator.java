package dev.berth.engine.spec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.policy.ExecutionPlan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The job's process: command, environment, non-root user, capabilities, rlimits, no_new_privileges. */
final class ProcessGenerator implements SpecGenerator {

    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    static final List<String> CAPABILITY_SETS = List.of("bounding", "effective", "permitted", "inheritable", "ambient");

    @Override
    public void generate(BundleContext context, ObjectNode spec) {
        ExecutionPlan plan = context.plan();
        ObjectNode process = spec.putObject("process");
        process.put("terminal", false);
        ObjectNode user = process.putObject("user");
        user.put("uid", plan.uid());
        user.put("gid", plan.gid());
        user.putArray("additionalGids");
        ArrayNode args = process.putArray("args");
        plan.command().forEach(args::add);
        ArrayNode env = process.putArray("env");
        environment(plan).forEach((name, value) -> env.add(name + "=" + value));
        process.put("cwd", plan.workingDir());

        ObjectNode capabilities = process.putObject("capabilities");
        for (String set : CAPABILITY_SETS) {
            ArrayNode list = capabilities.putArray(set);
            plan.capabilities().forEach(name -> list.add("CAP_" + name));
        }
        ObjectNode nofile = process.putArray("rlimits").addObject();
        nofile.put("type", "RLIMIT_NOFILE");
        nofile.put("hard", plan.limits().openFiles());
        nofile.put("soft", plan.limits().openFiles());
        process.put("noNewPrivileges", plan.noNewPrivileges());
    }

    private static Map<String, String> environment(ExecutionPlan plan) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", DEFAULT_PATH);
        env.put("HOME", "/tmp");
        env.putAll(plan.env());
        return env;
    }
}
