package dev.berth.engine.cgroup;

import dev.berth.engine.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where each cgroup v1 controller is mounted, read from {@code /proc/self/mountinfo}, and every
 * hierarchy (named ones like {@code name=systemd} and a hybrid host's cgroup2 tree included):
 * the runtime creates a job's cgroup in all of them.
 */
record CgroupV1Mounts(Map<String, Path> byController, Set<Path> hierarchies) {

    static CgroupV1Mounts read() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/self/mountinfo")));
        } catch (IOException e) {
            throw new EngineException("cannot read /proc/self/mountinfo to find cgroup mounts: " + e.getMessage(), e);
        }
    }

    static CgroupV1Mounts parse(List<String> mountinfo) {
        Map<String, Path> mounts = new HashMap<>();
        Set<Path> hierarchies = new HashSet<>();
        for (String line : mountinfo) {
            String[] halves = line.split(" - ", 2);
            if (halves.length != 2) {
                continue;
            }
            String[] fields = halves[0].split(" ");
            String[] fs = halves[1].split(" ");
            if (fs.length < 3 || !(fs[0].equals("cgroup") || fs[0].equals("cgroup2"))) {
                continue;
            }
            hierarchies.add(Path.of(fields[4]));
            if (fs[0].equals("cgroup2")) {
                continue;
            }
            for (String option : fs[2].split(",")) {
                mounts.putIfAbsent(option, Path.of(fields[4]));
            }
        }
        return new CgroupV1Mounts(Map.copyOf(mounts), Set.copyOf(hierarchies));
    }

    Path mountOf(String controller) {
        Path mount = byController.get(controller);
        if (mount == null) {
            throw new EngineException("the cgroup v1 controller " + controller + " is not mounted; jobs cannot be limited without it");
        }
        return mount;
    }
}
