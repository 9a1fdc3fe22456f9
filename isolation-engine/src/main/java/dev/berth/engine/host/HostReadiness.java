package dev.berth.engine.host;

import dev.berth.engine.EngineConfig;
import dev.berth.engine.cgroup.CgroupDriver;
import dev.berth.policy.IdRange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks that this host is prepared for rootless jobs, naming the fix for each gap. The platform
 * is not ready while any problem remains, and engine tests fail (never skip) on an unprepared host.
 */
public final class HostReadiness {

    private static final String FIX = "run ./berth up once as root";

    private HostReadiness() {
    }

    public static List<String> problems(EngineConfig config, CgroupDriver cgroups) {
        List<String> problems = new ArrayList<>();
        HostIdentity self = HostIdentity.current();
        if (self.uid() == 0) {
            problems.add("the platform runs as root; it must run as the unprivileged service user (./berth up starts it that way)");
        }
        if (!Files.isExecutable(config.runtimeBinary())) {
            problems.add("OCI runtime " + config.runtimeBinary() + " not found: " + FIX + " to install crun");
        }
        if (config.runtimeBinary().getFileName().toString().startsWith("runc") && !Files.isReadable(Path.of("/"))) {
            problems.add("the root directory / is not readable by " + self.userName() + " (runc opens it to enter the container): " + FIX);
        }
        for (String helper : List.of("/usr/bin/newuidmap", "/usr/bin/newgidmap")) {
            if (!Files.isExecutable(Path.of(helper))) {
                problems.add(helper + " not found: " + FIX + " to install uidmap");
            }
        }
        try {
            Optional<SubordinateIds> uids = SubordinateIds.of(Path.of("/etc/subuid"), self);
            Optional<SubordinateIds> gids = SubordinateIds.of(Path.of("/etc/subgid"), self);
            if (uids.isEmpty() || gids.isEmpty()) {
                problems.add("user " + self.userName() + " has no block in /etc/subuid and /etc/subgid: " + FIX);
            } else if (!uids.equals(gids)) {
                problems.add("the /etc/subuid and /etc/subgid blocks of " + self.userName() + " differ; tenant ranges need the same IDs in both");
            } else if (uids.get().count() < IdRange.TENANT_RANGE_SIZE) {
                problems.add("user " + self.userName() + " has fewer than " + IdRange.TENANT_RANGE_SIZE + " subordinate IDs: " + FIX);
            }
        } catch (IOException e) {
            problems.add("cannot read /etc/subuid or /etc/subgid: " + e.getMessage());
        }
        for (Path dir : cgroups.delegatedDirs()) {
            if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
                problems.add("cgroup " + dir + " is not delegated to " + self.userName() + ": " + FIX);
            }
        }
        if (!Files.isDirectory(config.imagesDir())) {
            problems.add("image store " + config.imagesDir() + " is missing: " + FIX + " to install the built-in busybox image");
        }
        return problems;
    }
}
