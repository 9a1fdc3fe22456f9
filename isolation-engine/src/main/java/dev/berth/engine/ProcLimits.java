package dev.berth.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A process's resource limits as the kernel reports them in {@code /proc/<pid>/limits}. */
final class ProcLimits {

    private ProcLimits() {
    }

    /** Mismatches between the planned RLIMIT_NOFILE and the process's soft and hard limits. */
    static List<String> verifyOpenFiles(long pid, long planned) {
        List<String> problems = new ArrayList<>();
        try {
            String line = Files.readAllLines(Path.of("/proc/" + pid + "/limits")).stream()
                    .filter(l -> l.startsWith("Max open files")).findFirst().orElse("");
            String[] fields = line.substring(Math.min(line.length(), "Max open files".length())).trim().split("\\s+");
            if (fields.length < 2 || !fields[0].equals(String.valueOf(planned)) || !fields[1].equals(String.valueOf(planned))) {
                problems.add("RLIMIT_NOFILE is '" + line.strip() + "', planned " + planned);
            }
        } catch (IOException e) {
            problems.add("cannot read /proc/" + pid + "/limits: " + e.getMessage());
        }
        return problems;
    }
}
