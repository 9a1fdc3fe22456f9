package dev.berth.engine.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Parses {@code /proc/<pid>/cgroup}: hierarchy controllers (or "" for v2) to cgroup path. */
final class ProcCgroups {

    private ProcCgroups() {
    }

    static Map<String, String> of(long pid) throws IOException {
        Map<String, String> paths = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
            String[] parts = line.split(":", 3);
            if (parts.length != 3) {
                continue;
            }
            if (parts[1].isEmpty()) {
                paths.put("", parts[2]);
            }
            for (String controller : parts[1].split(",")) {
                if (!controller.isEmpty()) {
                    paths.put(controller, parts[2]);
                }
            }
        }
        return paths;
    }
}
