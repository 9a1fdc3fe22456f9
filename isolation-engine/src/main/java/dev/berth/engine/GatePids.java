package dev.berth.engine;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the start gate hands the engine: its own host pid and the container process's, its parent
 * (src/main/c/start-gate.c). The container's pid is where its maps, cgroup and limits are read;
 * the hook's is where an egress job's namespaces can be opened.
 */
record GatePids(long hook, long container) {

    private static final Pattern TWO_PIDS = Pattern.compile("([1-9][0-9]{0,9}) ([1-9][0-9]{0,9})");

    static GatePids parse(String line) throws IOException {
        Matcher pids = TWO_PIDS.matcher(line.strip());
        if (!pids.matches()) {
            throw new IOException("the start gate sent '" + line + "' in place of two host pids: the engine's bin directory holds a "
                    + "berth-overlay-root other than the one this engine ships (restart the engine, which installs its own)");
        }
        return new GatePids(Long.parseLong(pids.group(1)), Long.parseLong(pids.group(2)));
    }
}
