package dev.berth.engine.spec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.policy.seccomp.SeccompProfile;

/**
 * The plan's seccomp profile, either precompiled for crun's annotation or as the OCI JSON form.
 * Never both: crun would compile the JSON anyway, which is the cost the annotation saves.
 */
final class SeccompGenerator implements SpecGenerator {

    static final String BPF_ANNOTATION = "run.oci.seccomp_bpf_data";

    @Override
    public void generate(BundleContext context, ObjectNode spec) {
        if (context.precompiledSeccomp().isPresent()) {
            spec.withObject("/annotations").put(BPF_ANNOTATION, context.precompiledSeccomp().get());
            return;
        }
        SeccompProfile profile = context.seccomp();
        ObjectNode seccomp = spec.withObject("/linux").putObject("seccomp");
        seccomp.put("defaultAction", profile.defaultAction());
        seccomp.put("defaultErrnoRet", profile.defaultErrnoRet());
        ArrayNode architectures = seccomp.putArray("architectures");
        profile.architectures().forEach(architectures::add);
        ArrayNode syscalls = seccomp.putArray("syscalls");
        for (SeccompProfile.SyscallRule rule : profile.syscalls()) {
            ObjectNode entry = syscalls.addObject();
            ArrayNode names = entry.putArray("names");
            rule.names().forEach(names::add);
            entry.put("action", rule.action());
            if (rule.errnoRet() != null) {
                entry.put("errnoRet", rule.errnoRet());
            }
            ArrayNode args = entry.putArray("args");
            for (SeccompProfile.ArgCondition condition : rule.args()) {
                args.addObject().put("index", condition.index()).put("value", condition.value())
                        .put("valueTwo", condition.valueTwo()).put("op", condition.op());
            }
        }
    }
}
