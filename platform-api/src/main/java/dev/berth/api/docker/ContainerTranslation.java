package dev.berth.api.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.policy.JobRequest;
import dev.berth.policy.ResourceRequest;
import dev.berth.policy.Violation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the body of Docker's {@code POST /containers/create} into a Berth job request. Every field
 * is either mapped to the request (where admission then decides on it, as for any job), accepted
 * because Berth is at least as strict anyway (e.g. {@code --cap-drop}, {@code --read-only}, swap
 * settings: jobs never swap), or
 * refused with a rule ID and the fix. A field this class does not know is refused as soon as it
 * holds anything but its empty value, so a Docker option never silently maps to something weaker.
 */
public final class ContainerTranslation {

    /** What a create body becomes: the job request and the Docker-only behaviour around it. */
    public record Container(JobRequest request, boolean autoRemove) {
    }

    /** Either a container or the reasons it cannot be one. */
    public record Result(Container container, List<Violation> violations) {
    }

    private static final Set<String> CONFIG_MAPPED = Set.of("Image", "Cmd", "Entrypoint", "Env", "WorkingDir", "User", "Labels",
            "Tty", "OpenStdin", "StdinOnce", "AttachStdin", "AttachStdout", "AttachStderr", "HostConfig", "NetworkingConfig",
            "Volumes", "NetworkDisabled", "Hostname", "Domainname", "StopSignal", "StopTimeout", "ArgsEscaped");
    private static final Set<String> HOST_MAPPED = Set.of("Memory", "MemorySwap", "MemorySwappiness", "NanoCpus", "CpuQuota", "CpuPeriod", "PidsLimit",
            "NetworkMode", "Privileged", "Binds", "Mounts", "VolumesFrom", "PidMode", "IpcMode", "UTSMode", "UsernsMode",
            "CgroupnsMode", "CapAdd", "CapDrop", "SecurityOpt", "Devices", "DeviceRequests", "DeviceCgroupRules", "ReadonlyRootfs",
            "AutoRemove", "RestartPolicy", "MaskedPaths", "ReadonlyPaths", "LogConfig", "ConsoleSize");
    private static final Set<String> NAMESPACE_MODES = Set.of("PidMode", "IpcMode", "UTSMode", "UsernsMode", "CgroupnsMode");
    private static final Pattern USER = Pattern.compile("(\\d+)(?::(\\d+))?");
    private static final Pattern NO_NEW_PRIVILEGES = Pattern.compile("no-new-privileges(?:[:=]true)?");
    private static final long MIB = 1024 * 1024;

    private final List<Violation> violations = new ArrayList<>();

    private ContainerTranslation() {
    }

    public static Result translate(JsonNode body) {
        return new ContainerTranslation().run(body);
    }

    private Result run(JsonNode body) {
        if (body == null || !body.isObject()) {
            refuse("docker.body", "", "the create body must be a JSON object (Docker's container config)");
            return new Result(null, violations);
        }
        JsonNode host = body.path("HostConfig");
        unknownFields(body, CONFIG_MAPPED, "");
        unknownFields(host, HOST_MAPPED, "HostConfig.");
        refuseSecurityOptions(host);
        refuseHostAccess(body, host);
        if (body.path("Tty").asBoolean(false)) {
            refuse("docker.tty", "Tty", "Berth captures a job's output as logs and gives it no terminal: run without -t/--tty");
        }
        String restart = text(host.path("RestartPolicy").path("Name"));
        if (restart != null && !restart.equals("no")) {
            refuse("docker.restart", "HostConfig.RestartPolicy", "restart policy \"" + restart
                    + "\" is not offered: Berth jobs end when their program ends; submit a Berth job with \"retries\" to retry failures");
        }
        String logDriver = text(host.path("LogConfig").path("Type"));
        if (logDriver != null) {
            refuse("docker.log-driver", "HostConfig.LogConfig", "log driver \"" + logDriver + "\" is not offered: Berth keeps every job's logs itself; drop --log-driver");
        }
        if (body.path("OpenStdin").asBoolean(false) || body.path("AttachStdin").asBoolean(false)) {
            refuse("docker.stdin", "OpenStdin", "docker run -i is not offered: give the job its stdin with POST /api/v1/jobs"
                    + " (\"stdin\": {\"text\": …}) or run without -i");
        }
        Integer user = user(text(body.path("User")));
        JobRequest request = new JobRequest(text(body.path("Image")), command(body), env(body.path("Env")), text(body.path("WorkingDir")),
                user, capabilities(host.path("CapAdd")), resources(host), null, null, labels(body.path("Labels")), network(host));
        return new Result(violations.isEmpty() ? new Container(request, host.path("AutoRemove").asBoolean(false)) : null, violations);
    }

    private void refuseSecurityOptions(JsonNode host) {
        for (JsonNode option : host.path("SecurityOpt")) {
            String value = option.asText();
            if (!NO_NEW_PRIVILEGES.matcher(value).matches()) {
                refuse("docker.security-opt", "HostConfig.SecurityOpt", "--security-opt " + abbreviate(value)
                        + " is refused: every Berth job runs under the platform's own seccomp allow-list with no_new_privileges and no"
                        + " capabilities; drop the option");
            }
        }
        // The CLI turns --security-opt systempaths=unconfined into empty lists of masked and read-only paths.
        for (String paths : List.of("MaskedPaths", "ReadonlyPaths")) {
            if (host.has(paths) && !host.get(paths).isNull()) {
                refuse("docker.security-opt", "HostConfig." + paths, "custom masked or read-only /proc paths (systempaths=unconfined) are"
                        + " refused: Berth masks them for every job; drop the option");
            }
        }
    }

    private void refuseHostAccess(JsonNode body, JsonNode host) {
        if (host.path("Privileged").asBoolean(false)) {
            refuse("docker.privileged", "HostConfig.Privileged", "--privileged is refused: Berth jobs run without capabilities, devices"
                    + " or host access; drop --privileged (ask a platform admin if a single capability is really needed)");
        }
        for (String mounts : List.of("Binds", "Mounts", "VolumesFrom")) {
            if (!empty(host.path(mounts))) {
                refuse("docker.mount", "HostConfig." + mounts, "host paths and volumes cannot be mounted into a Berth job (-v, --mount,"
                        + " --volumes-from): pass files as job inputs (POST /api/v1/inputs) and collect results as artifacts");
            }
        }
        if (!empty(body.path("Volumes"))) {
            refuse("docker.mount", "Volumes", "volumes cannot be mounted into a Berth job: write to /tmp (scratch) or collect artifacts");
        }
        for (String mode : NAMESPACE_MODES) {
            String value = text(host.path(mode));
            if (value != null && !value.equals("private")) {
                refuse("docker.namespace", "HostConfig." + mode, "--" + flag(mode) + " " + value + " is refused: every Berth job has"
                        + " its own pid, ipc, uts, user and cgroup namespaces; drop the option");
            }
        }
        for (String devices : List.of("Devices", "DeviceRequests", "DeviceCgroupRules")) {
            if (!empty(host.path(devices))) {
                refuse("docker.device", "HostConfig." + devices, "host devices (--device, --gpus, --device-cgroup-rule) are refused:"
                        + " a Berth job sees only the standard /dev nodes; drop the option");
            }
        }
    }

    private static String flag(String mode) {
        return switch (mode) {
            case "PidMode" -> "pid";
            case "IpcMode" -> "ipc";
            case "UTSMode" -> "uts";
            case "UsernsMode" -> "userns";
            default -> "cgroupns";
        };
    }

    private void unknownFields(JsonNode node, Set<String> known, String prefix) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!known.contains(field.getKey()) && !empty(field.getValue())) {
                refuse("docker.unsupported", prefix + field.getKey(), prefix + field.getKey() + " is not supported by Berth's Docker API"
                        + " and is refused rather than ignored: drop the option, or submit a Berth job (POST /api/v1/jobs)");
            }
        }
    }

    /** Docker's zero values: what the CLI sends for an option nobody gave. */
    static boolean empty(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return true;
        }
        if (node.isTextual()) {
            return node.asText().isEmpty();
        }
        if (node.isBoolean()) {
            return !node.asBoolean();
        }
        if (node.isNumber()) {
            return node.asDouble() == 0;
        }
        for (JsonNode child : node) {
            if (!empty(child)) {
                return false;
            }
        }
        return true;
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
    }

    private List<String> command(JsonNode body) {
        List<String> command = new ArrayList<>();
        strings(body.path("Entrypoint"), command);
        strings(body.path("Cmd"), command);
        return command.isEmpty() ? null : command;
    }

    private static void strings(JsonNode node, List<String> into) {
        if (node.isTextual()) {
            into.add(node.asText());
        }
        for (JsonNode item : node.isArray() ? node : List.<JsonNode>of()) {
            into.add(item.asText());
        }
    }

    private Map<String, String> env(JsonNode node) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode item : node) {
            String entry = item.asText();
            int equals = entry.indexOf('=');
            if (equals <= 0) {
                refuse("docker.env", "Env", "variable \"" + abbreviate(entry) + "\" has no value: write -e NAME=value");
            } else {
                env.put(entry.substring(0, equals), entry.substring(equals + 1));
            }
        }
        return env.isEmpty() ? null : env;
    }

    private Integer user(String user) {
        if (user == null) {
            return null;
        }
        Matcher numeric = USER.matcher(user);
        if (!numeric.matches()) {
            refuse("docker.user", "User", "user \"" + abbreviate(user) + "\" is not a number: Berth runs jobs as a numeric uid, write -u <uid>");
            return null;
        }
        if (numeric.group(2) != null && !numeric.group(2).equals(numeric.group(1))) {
            refuse("docker.user", "User", "a group other than the uid is not offered: write -u " + numeric.group(1));
        }
        try {
            return Integer.valueOf(numeric.group(1));
        } catch (NumberFormatException e) {
            refuse("docker.user", "User", "uid " + abbreviate(user) + " is out of range");
            return null;
        }
    }

    private static List<String> capabilities(JsonNode node) {
        List<String> capabilities = new ArrayList<>();
        for (JsonNode item : node) {
            String name = item.asText();
            capabilities.add(name.startsWith("CAP_") ? name.substring(4) : name);
        }
        return capabilities.isEmpty() ? null : capabilities;
    }

    private ResourceRequest resources(JsonNode host) {
        Integer memory = null;
        long bytes = host.path("Memory").asLong(0);
        if (bytes > 0) {
            memory = (int) Math.min(Integer.MAX_VALUE, (bytes + MIB - 1) / MIB);
        }
        Integer cpu = null;
        long nanoCpus = host.path("NanoCpus").asLong(0);
        long quota = host.path("CpuQuota").asLong(0);
        long period = host.path("CpuPeriod").asLong(0);
        if (nanoCpus > 0) {
            cpu = (int) Math.min(Integer.MAX_VALUE, Math.max(1, nanoCpus / 1_000_000));
        } else if (quota > 0) {
            cpu = (int) Math.min(Integer.MAX_VALUE, Math.max(1, quota * 1000 / (period > 0 ? period : 100_000)));
        }
        // Docker's -1 and 0 mean "unlimited"; Berth then applies its default limit, which is stricter.
        long pidsLimit = host.path("PidsLimit").asLong(0);
        Integer pids = pidsLimit > 0 ? (int) Math.min(Integer.MAX_VALUE, pidsLimit) : null;
        return memory == null && cpu == null && pids == null ? null : new ResourceRequest(cpu, memory, pids, null);
    }

    private Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new LinkedHashMap<>();
        node.fields().forEachRemaining(label -> labels.put(label.getKey(), label.getValue().asText()));
        return labels.isEmpty() ? null : labels;
    }

    /** Docker's default network is a bridge with a route out; Berth's is none, which is stricter. Other names go to admission. */
    private static String network(JsonNode host) {
        String mode = text(host.path("NetworkMode"));
        return mode == null || mode.equals("default") ? null : mode;
    }

    private void refuse(String rule, String field, String message) {
        violations.add(new Violation(rule, field, message));
    }

    private static String abbreviate(String value) {
        return value.length() > 80 ? value.substring(0, 80) + "…" : value;
    }
}
