package dev.berth.engine.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Last line of defence before a spec reaches the runtime: whatever the generators did, a spec
 * that breaks a security invariant is never written. It reads the finished spec, not the plan it
 * came from, so what it checks is exactly what the runtime would get.
 */
final class SpecValidator {

    /**
     * Invariant 3, held here on its own rather than read from policy's ceilings: the last line of
     * defence must not widen when policy's configuration does.
     */
    static final Set<String> GRANTABLE_CAPABILITIES = Set.of("CAP_NET_BIND_SERVICE");

    /** A classic BPF instruction is 8 bytes; anything else is not a program crun can load. */
    private static final int BPF_INSTRUCTION_BYTES = 8;

    private SpecValidator() {
    }

    static void validate(ObjectNode spec) {
        List<SpecProblem> problems = problems(spec);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("refusing to write an unsafe OCI spec (a bug in the engine's spec generators, not in the job; "
                    + "nothing ran): " + problems.stream().map(SpecProblem::toString).collect(Collectors.joining("; ")));
        }
    }

    /** Every invariant the spec breaks; empty when it is safe to hand to the runtime. */
    static List<SpecProblem> problems(JsonNode spec) {
        List<SpecProblem> problems = new ArrayList<>();
        checkProcess(spec.path("process"), problems);
        checkSeccomp(spec, problems);
        checkNamespaces(spec.path("linux"), problems);
        IdMapRules.check(spec.path("linux"), problems);
        FilesystemRules.check(spec, problems);
        LimitRules.check(spec, problems);
        checkStartGate(spec, problems);
        return problems;
    }

    private static void checkProcess(JsonNode process, List<SpecProblem> problems) {
        JsonNode user = process.path("user");
        if (user.path("uid").asLong(0) == 0) {
            problems.add(new SpecProblem("user.non-root", "the job would run as uid 0 inside the container, the service user on the host"));
        }
        if (user.path("gid").asLong(0) == 0) {
            problems.add(new SpecProblem("group.non-root", "the job would run as gid 0 inside the container, the service user's group on the host"));
        }
        for (JsonNode gid : user.path("additionalGids")) {
            if (gid.asLong(0) == 0) {
                problems.add(new SpecProblem("group.non-root", "the job would hold supplementary group 0, the service user's group on the host"));
            }
        }
        if (!process.path("noNewPrivileges").asBoolean(false)) {
            problems.add(new SpecProblem("privileges.no-new", "no_new_privileges is off: a setuid or file-capability program could gain privileges"));
        }
        for (String set : ProcessGenerator.CAPABILITY_SETS) {
            JsonNode capabilities = process.path("capabilities").path(set);
            if (!capabilities.isArray()) {
                problems.add(new SpecProblem("capabilities.ceiling", "the " + set
                        + " capability set is missing: the runtime would leave it as it found it instead of empty"));
            }
            for (JsonNode capability : capabilities) {
                if (!isGrantable(capability.asText())) {
                    problems.add(new SpecProblem("capabilities.ceiling", "capability " + capability.asText() + " in the " + set
                            + " set is never granted; jobs hold at most " + String.join(", ", new TreeSet<>(GRANTABLE_CAPABILITIES))));
                }
            }
        }
    }

    private static boolean isGrantable(String capability) {
        return GRANTABLE_CAPABILITIES.contains(capability);
    }

    /** crun loads a precompiled program from the annotation in place of the JSON form. */
    private static void checkSeccomp(JsonNode spec, List<SpecProblem> problems) {
        JsonNode program = spec.path("annotations").path(SeccompGenerator.BPF_ANNOTATION);
        if (!program.isMissingNode()) {
            if (!isBpfProgram(program.asText())) {
                problems.add(new SpecProblem("seccomp.default-deny", "annotation " + SeccompGenerator.BPF_ANNOTATION
                        + " does not hold a BPF program (base64 of whole " + BPF_INSTRUCTION_BYTES + "-byte instructions)"));
            }
            return;
        }
        JsonNode seccomp = spec.path("linux").path("seccomp");
        if (seccomp.isMissingNode()) {
            problems.add(new SpecProblem("seccomp.default-deny", "the spec has no seccomp filter: every system call would be allowed"));
        } else if (!seccomp.path("defaultAction").asText().equals("SCMP_ACT_ERRNO")) {
            problems.add(new SpecProblem("seccomp.default-deny", "seccomp's default action is " + seccomp.path("defaultAction").asText("unset")
                    + ", not SCMP_ACT_ERRNO: system calls off the allow-list would not be refused"));
        }
    }

    private static boolean isBpfProgram(String base64) {
        try {
            byte[] program = Base64.getDecoder().decode(base64);
            return program.length > 0 && program.length % BPF_INSTRUCTION_BYTES == 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void checkNamespaces(JsonNode linux, List<SpecProblem> problems) {
        Set<String> present = new TreeSet<>();
        for (JsonNode namespace : linux.path("namespaces")) {
            present.add(namespace.path("type").asText());
            if (namespace.has("path")) {
                problems.add(new SpecProblem("namespaces.fresh", "namespace " + namespace.path("type").asText()
                        + " joins an existing one at " + namespace.path("path").asText()));
            }
        }
        Set<String> missing = new TreeSet<>(NamespaceGenerator.NAMESPACES);
        missing.removeAll(present);
        if (!missing.isEmpty()) {
            problems.add(new SpecProblem("namespaces.required", "missing namespaces " + missing
                    + ": the job would share them with the host; every job needs fresh " + NamespaceGenerator.NAMESPACES));
        }
    }

    private static void checkStartGate(JsonNode spec, List<SpecProblem> problems) {
        JsonNode hooks = spec.path("hooks").path("createContainer");
        if (hooks.isEmpty() || !StartGateGenerator.isGate(hooks.get(hooks.size() - 1))) {
            problems.add(new SpecProblem("start-gate", "the last createContainer hook is not the start gate (" + OverlayRoot.TOOL
                    + " with the gate's FIFOs): the job's program would run before the engine saw its limits in the kernel"));
        }
    }
}
