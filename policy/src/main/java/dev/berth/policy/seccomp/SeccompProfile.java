package dev.berth.policy.seccomp;

import java.util.List;

/**
 * A seccomp profile in the OCI runtime spec's shape, plus a name, a justification per rule and
 * the digest of the exact text it was read from, so a job view can say which profile ran.
 */
public record SeccompProfile(
        String name,
        String digest,
        String why,
        String defaultAction,
        int defaultErrnoRet,
        List<String> architectures,
        List<SyscallRule> syscalls) {

    public SeccompProfile {
        architectures = List.copyOf(architectures);
        syscalls = List.copyOf(syscalls);
    }

    /** A profile reference as a job view shows it: {@code name@sha256:...}. */
    public String reference() {
        return name + "@" + digest;
    }

    /** One OCI seccomp rule: the calls it covers, what happens to them, and why. */
    public record SyscallRule(String group, String why, List<String> names, String action, Integer errnoRet, List<ArgCondition> args) {

        public SyscallRule {
            names = List.copyOf(names);
            args = args == null ? List.of() : List.copyOf(args);
        }
    }

    /** A condition on one system call argument, ANDed with the rule's other conditions. */
    public record ArgCondition(int index, long value, long valueTwo, String op) {
    }
}
