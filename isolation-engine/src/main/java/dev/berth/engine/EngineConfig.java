package dev.berth.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the engine keeps its files and how it talks to the runtime.
 *
 * @param runtimeBinary   the OCI runtime executable (crun by default)
 * @param workDir         private directory for runtime state and per-job bundles; must belong to
 *                        the service user and be unreadable by others
 * @param imagesDir       read-only store of unpacked images, one directory per image
 * @param cgroupParent    the delegated cgroup every job cgroup is created under, e.g. {@code /berth}
 * @param logCapBytes     per-stream cap on captured stdout and stderr
 * @param killGrace       time between SIGTERM and SIGKILL when a job is stopped
 */
public record EngineConfig(
        Path runtimeBinary,
        Path workDir,
        Path imagesDir,
        String cgroupParent,
        long logCapBytes,
        Duration killGrace) {

    public EngineConfig {
        Objects.requireNonNull(runtimeBinary);
        Objects.requireNonNull(workDir);
        Objects.requireNonNull(imagesDir);
        if (!cgroupParent.startsWith("/") || cgroupParent.contains("..")) {
            throw new IllegalArgumentException("cgroup parent must be an absolute cgroup path like /berth, got " + cgroupParent);
        }
        if (logCapBytes <= 0) {
            throw new IllegalArgumentException("log cap must be positive, got " + logCapBytes);
        }
    }

    public Path stateDir() {
        return workDir.resolve("state");
    }

    public Path bundlesDir() {
        return workDir.resolve("bundles");
    }
}
