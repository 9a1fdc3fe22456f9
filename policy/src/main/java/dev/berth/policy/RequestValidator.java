package dev.berth.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks the syntax of every field of a request; numbers, privileges and images are checked
 * against the baseline, policy and quota by the rules that resolve them. It never throws on bad
 * input: every problem becomes a violation so the tenant sees all of them at once.
 */
final class RequestValidator {

    static final int MAX_COMMAND_ARGS = 256;
    static final int MAX_ARG_BYTES = 8192;
    static final int MAX_ENV_ENTRIES = 128;
    static final int MAX_LABELS = 64;
    static final int MAX_CONTAINER_ID = 65_535;

    private static final List<String> FORBIDDEN_WORKDIR_ROOTS = List.of("/proc", "/sys", "/dev");

    private final Findings findings;

    private RequestValidator(Findings findings) {
        this.findings = findings;
    }

    /** {@code image} is the request's image reference, parsed once by the caller. */
    static void validate(JobRequest request, Optional<ImageReference> image, Findings findings) {
        new RequestValidator(findings).check(request, image);
    }

    private void check(JobRequest request, Optional<ImageReference> image) {
        checkImage(request.image(), image);
        checkCommand(request.command());
        checkEnv(request.env());
        checkWorkingDir(request.workingDir());
        checkUser(request.user());
        checkLabels(request.labels());
    }

    private void checkImage(String image, Optional<ImageReference> parsed) {
        if (image == null || image.isBlank()) {
            refuse("image.required", "image", "name the image to run, for example \"busybox\"");
        } else if (parsed.isEmpty()) {
            refuse("image.reference", "image", "not an OCI image reference: use name[:tag] or name@sha256:<64 hex digits>");
        }
    }

    private void checkCommand(List<String> command) {
        if (command == null || command.isEmpty()) {
            refuse("command.required", "command", "give the program to run and its arguments as a non-empty array");
            return;
        }
        if (command.size() > MAX_COMMAND_ARGS) {
            refuse("command.size", "command", "at most " + MAX_COMMAND_ARGS + " arguments are allowed, got " + command.size());
        }
        for (int i = 0; i < command.size(); i++) {
            String arg = command.get(i);
            if (arg == null) {
                refuse("command.null", "command[" + i + "]", "arguments must be strings, not null");
            } else if (arg.indexOf('\0') >= 0) {
                refuse("text.nul", "command[" + i + "]", "NUL characters are not allowed");
            } else if (Syntax.utf8Length(arg) > MAX_ARG_BYTES) {
                refuse("command.size", "command[" + i + "]", "an argument may hold at most " + MAX_ARG_BYTES + " bytes");
            }
        }
        if (!command.isEmpty() && command.getFirst() != null && command.getFirst().isBlank()) {
            refuse("command.required", "command[0]", "the program name must not be blank");
        }
    }

    private void checkEnv(Map<String, String> env) {
        if (env == null) {
            return;
        }
        if (env.size() > MAX_ENV_ENTRIES) {
            refuse("env.size", "env", "at most " + MAX_ENV_ENTRIES + " variables are allowed, got " + env.size());
        }
        env.forEach((name, value) -> {
            if (!Syntax.isEnvName(name)) {
                refuse("env.name", "env." + name, "variable names must match [A-Za-z_][A-Za-z0-9_]*");
            }
            if (value == null) {
                refuse("env.value", "env." + name, "values must be strings, not null");
            } else if (value.indexOf('\0') >= 0) {
                refuse("text.nul", "env." + name, "NUL characters are not allowed");
            } else if (Syntax.utf8Length(value) > MAX_ARG_BYTES) {
                refuse("env.size", "env." + name, "a value may hold at most " + MAX_ARG_BYTES + " bytes");
            }
        });
    }

    private void checkWorkingDir(String workingDir) {
        if (workingDir == null) {
            return;
        }
        if (!workingDir.startsWith("/") || workingDir.indexOf('\0') >= 0 || !isCanonical(workingDir)) {
            refuse("workingDir.path", "workingDir", "use an absolute, canonical path without '.', '..' or repeated '/'");
            return;
        }
        for (String root : FORBIDDEN_WORKDIR_ROOTS) {
            if (workingDir.equals(root) || workingDir.startsWith(root + "/")) {
                refuse("workingDir.forbidden", "workingDir", "a working directory under " + root + " is not allowed");
            }
        }
    }

    private static boolean isCanonical(String path) {
        if (path.equals("/")) {
            return true;
        }
        if (path.endsWith("/")) {
            return false;
        }
        for (String part : path.substring(1).split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private void checkUser(Integer user) {
        if (user == null) {
            return;
        }
        if (user == 0) {
            refuse("user.non-root", "user", "jobs never run as root inside the container: pick a uid from 1 to " + MAX_CONTAINER_ID);
        } else if (user < 0 || user > MAX_CONTAINER_ID) {
            refuse("user.range", "user", "the uid must be between 1 and " + MAX_CONTAINER_ID);
        }
    }

    private void checkLabels(Map<String, String> labels) {
        if (labels == null) {
            return;
        }
        if (labels.size() > MAX_LABELS) {
            refuse("labels.size", "labels", "at most " + MAX_LABELS + " labels are allowed");
        }
        labels.forEach((key, value) -> {
            if (key == null || !Syntax.isLabelKey(key)) {
                refuse("labels.key", "labels." + key, "keys are [prefix/]name: a DNS subdomain prefix and a name of up to 63 characters [A-Za-z0-9-_.], starting and ending alphanumeric");
            }
            if (value == null || !(value.isEmpty() || Syntax.isLabelName(value, 0, value.length()))) {
                refuse("labels.value", "labels." + key, "values are empty or up to 63 characters [A-Za-z0-9-_.], starting and ending alphanumeric");
            }
        });
    }

    private void refuse(String rule, String field, String message) {
        findings.refuse(rule, field, message);
    }
}
