package dev.berth.policy;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

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

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern LABEL_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]");
    private static final Pattern LABEL_PREFIX = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final List<String> FORBIDDEN_WORKDIR_ROOTS = List.of("/proc", "/sys", "/dev");

    private final Findings findings;

    private RequestValidator(Findings findings) {
        this.findings = findings;
    }

    static void validate(JobRequest request, Findings findings) {
        new RequestValidator(findings).check(request);
    }

    private void check(JobRequest request) {
        checkImage(request.image());
        checkCommand(request.command());
        checkEnv(request.env());
        checkWorkingDir(request.workingDir());
        checkUser(request.user());
        checkLabels(request.labels());
    }

    private void checkImage(String image) {
        if (image == null || image.isBlank()) {
            refuse("image.required", "image", "name the image to run, for example \"busybox\"");
        } else if (ImageReference.parse(image).isEmpty()) {
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
            String field = "command[" + i + "]";
            if (arg == null) {
                refuse("command.null", field, "arguments must be strings, not null");
            } else if (arg.indexOf('\0') >= 0) {
                refuse("text.nul", field, "NUL characters are not allowed");
            } else if (utf8Length(arg) > MAX_ARG_BYTES) {
                refuse("command.size", field, "an argument may hold at most " + MAX_ARG_BYTES + " bytes");
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
            String field = "env." + name;
            if (name == null || !ENV_NAME.matcher(name).matches()) {
                refuse("env.name", field, "variable names must match [A-Za-z_][A-Za-z0-9_]*");
            }
            if (value == null) {
                refuse("env.value", field, "values must be strings, not null");
            } else if (value.indexOf('\0') >= 0) {
                refuse("text.nul", field, "NUL characters are not allowed");
            } else if (utf8Length(value) > MAX_ARG_BYTES) {
                refuse("env.size", field, "a value may hold at most " + MAX_ARG_BYTES + " bytes");
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
            String field = "labels." + key;
            if (key == null || !isLabelKey(key)) {
                refuse("labels.key", field, "keys are [prefix/]name: a DNS subdomain prefix and a name of up to 63 characters [A-Za-z0-9-_.], starting and ending alphanumeric");
            }
            if (value == null || !(value.isEmpty() || LABEL_NAME.matcher(value).matches())) {
                refuse("labels.value", field, "values are empty or up to 63 characters [A-Za-z0-9-_.], starting and ending alphanumeric");
            }
        });
    }

    private static boolean isLabelKey(String key) {
        int slash = key.indexOf('/');
        if (slash < 0) {
            return LABEL_NAME.matcher(key).matches();
        }
        String prefix = key.substring(0, slash);
        return prefix.length() <= 253
                && LABEL_PREFIX.matcher(prefix).matches()
                && LABEL_NAME.matcher(key.substring(slash + 1)).matches();
    }

    private void refuse(String rule, String field, String message) {
        findings.refuse(rule, field, message);
    }

    private static int utf8Length(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
}
