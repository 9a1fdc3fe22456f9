package dev.berth.engine.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The filesystem view: a read-only image, the kernel interfaces masked and read-only at least as
 * the generators promise, sysfs and cgroup mounts read-only, and no tmpfs without a size limit
 * (its pages would otherwise be bounded only by the job's memory, not by its scratch quota).
 */
final class FilesystemRules {

    private static final Set<String> READ_ONLY_FILESYSTEMS = Set.of("sysfs", "cgroup", "cgroup2");

    private FilesystemRules() {
    }

    static void check(JsonNode spec, List<SpecProblem> problems) {
        if (!spec.path("root").path("readonly").asBoolean(false)) {
            problems.add(new SpecProblem("rootfs.read-only", "the root filesystem is writable: a job could change the image every job shares"));
        }
        requireListed(spec.path("linux").path("maskedPaths"), MountGenerator.MASKED_PATHS, "paths.masked", "masked", problems);
        requireListed(spec.path("linux").path("readonlyPaths"), MountGenerator.READONLY_PATHS, "paths.read-only", "read-only", problems);
        for (JsonNode mount : spec.path("mounts")) {
            Set<String> options = new HashSet<>();
            mount.path("options").forEach(option -> options.add(option.asText()));
            String type = mount.path("type").asText();
            String destination = mount.path("destination").asText();
            if (READ_ONLY_FILESYSTEMS.contains(type) && !options.contains("ro")) {
                problems.add(new SpecProblem("mounts.read-only", type + " at " + destination + " is mounted writable"));
            }
            if (type.equals("bind") && !options.containsAll(Set.of("ro", "nosuid", "nodev"))) {
                problems.add(new SpecProblem("mounts.bind-read-only", "bind mount at " + destination
                        + " lacks ro, nosuid or nodev: a job could change or escalate through host files"));
            }
            if (type.equals("tmpfs") && options.stream().noneMatch(option -> option.startsWith("size="))) {
                problems.add(new SpecProblem("scratch.size", "tmpfs at " + destination + " has no size= limit"));
            }
        }
    }

    private static void requireListed(JsonNode listed, List<String> required, String rule, String what, List<SpecProblem> problems) {
        Set<String> present = new HashSet<>();
        listed.forEach(path -> present.add(path.asText()));
        for (String path : required) {
            if (!present.contains(path)) {
                problems.add(new SpecProblem(rule, path + " is not " + what));
            }
        }
    }
}
