package dev.berth.engine.host;

import dev.berth.engine.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real uid and gid of this process, from {@code /proc/self/status} (the JDK does not expose them). */
public record HostIdentity(long uid, long gid, String userName) {

    public static HostIdentity current() {
        try {
            long uid = -1;
            long gid = -1;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    uid = Long.parseLong(line.split("\\s+")[1]);
                } else if (line.startsWith("Gid:")) {
                    gid = Long.parseLong(line.split("\\s+")[1]);
                }
            }
            return new HostIdentity(uid, gid, System.getProperty("user.name"));
        } catch (IOException e) {
            throw new EngineException("cannot read /proc/self/status to learn the service user: " + e.getMessage(), e);
        }
    }
}
