package dev.berth.engine.seccomp;

import dev.berth.policy.seccomp.SeccompProfile;

/**
 * The line format berth-seccomp-bpf reads (see src/main/c/berth-seccomp-bpf.c): the profile's
 * architecture, default errno and one line per system call of every rule.
 */
final class SeccompDirectives {

    private SeccompDirectives() {
    }

    static String render(SeccompProfile profile) {
        StringBuilder out = new StringBuilder();
        for (String architecture : profile.architectures()) {
            out.append("arch ").append(architecture.replace("SCMP_ARCH_", "").toLowerCase()).append('\n');
        }
        out.append("default ").append(profile.defaultErrnoRet()).append('\n');
        for (SeccompProfile.SyscallRule rule : profile.syscalls()) {
            String action = rule.action().equals("SCMP_ACT_ALLOW") ? "allow 0" : "errno " + rule.errnoRet();
            for (String name : rule.names()) {
                out.append("rule ").append(action).append(' ').append(name);
                for (SeccompProfile.ArgCondition arg : rule.args()) {
                    out.append(' ').append(arg.index()).append(' ').append(arg.op().replace("SCMP_CMP_", ""))
                            .append(' ').append(Long.toUnsignedString(arg.value()))
                            .append(' ').append(Long.toUnsignedString(arg.valueTwo()));
                }
                out.append('\n');
            }
        }
        return out.toString();
    }
}
