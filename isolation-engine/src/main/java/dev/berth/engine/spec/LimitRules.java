package dev.berth.engine.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Every job is limited: it sits below the cgroup the engine created and limited, and asks for
 * memory without swap beyond it, a CPU quota, a pids limit and an open-files rlimit. Unlimited
 * values (-1, or RLIM_INFINITY, which does not fit a signed long) read as non-positive here.
 */
final class LimitRules {

    private LimitRules() {
    }

    static void check(JsonNode spec, List<SpecProblem> problems) {
        JsonNode linux = spec.path("linux");
        if (linux.path("cgroupsPath").asText("").isBlank()) {
            problems.add(new SpecProblem("limits.cgroup", "no cgroupsPath: the container would not sit below the cgroup the engine limited for it"));
        }
        JsonNode resources = linux.path("resources");
        long memory = resources.path("memory").path("limit").asLong(0);
        if (memory <= 0) {
            problems.add(new SpecProblem("limits.memory", "no memory limit"));
        } else if (resources.path("memory").path("swap").asLong(0) != memory) {
            problems.add(new SpecProblem("limits.swap", "memory+swap is " + shown(resources.path("memory").path("swap"))
                    + ", not the memory limit " + memory + ": the job could swap beyond its memory"));
        }
        if (resources.path("cpu").path("quota").asLong(0) <= 0 || resources.path("cpu").path("period").asLong(0) <= 0) {
            problems.add(new SpecProblem("limits.cpu", "no CPU quota: cpu is " + shown(resources.path("cpu"))));
        }
        if (resources.path("pids").path("limit").asLong(0) <= 0) {
            problems.add(new SpecProblem("limits.pids", "no pids limit"));
        }
        checkOpenFiles(spec.path("process").path("rlimits"), problems);
    }

    private static void checkOpenFiles(JsonNode rlimits, List<SpecProblem> problems) {
        for (JsonNode rlimit : rlimits) {
            if (rlimit.path("type").asText().equals("RLIMIT_NOFILE")) {
                if (rlimit.path("hard").asLong(0) <= 0 || rlimit.path("soft").asLong(0) <= 0) {
                    problems.add(new SpecProblem("limits.open-files", "RLIMIT_NOFILE is not a positive limit: " + rlimit));
                }
                return;
            }
        }
        problems.add(new SpecProblem("limits.open-files", "no RLIMIT_NOFILE rlimit"));
    }

    private static String shown(JsonNode value) {
        return value.isMissingNode() ? "unset" : value.toString();
    }
}
