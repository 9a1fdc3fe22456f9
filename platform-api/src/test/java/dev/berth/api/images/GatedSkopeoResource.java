package dev.berth.api.images;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * The platform's skopeo behind a gate the test opens and closes: while {@link #close} holds it,
 * every skopeo the platform starts waits before it runs, so a fetch stays under way exactly as
 * long as the test needs; once {@link #open}, the real {@code /usr/bin/skopeo} runs with the same
 * arguments. Each call's subcommand is noted, so the test counts copies.
 */
public class GatedSkopeoResource implements QuarkusTestResourceLifecycleManager {

    private static Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("berth-gated-skopeo");
            Path script = dir.resolve("skopeo");
            Files.writeString(script, String.join("\n",
                    "#!/bin/sh",
                    "for argument in \"$@\"; do",
                    "  case \"$argument\" in copy|inspect) echo \"$argument\" >> '" + dir.resolve("calls") + "'; break;; esac",
                    "done",
                    "while [ -e '" + dir.resolve("closed") + "' ]; do sleep 0.1; done",
                    "exec /usr/bin/skopeo \"$@\"", ""));
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
            return Map.of("berth.images.skopeo", script.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void close() throws IOException {
        Files.writeString(dir.resolve("closed"), "");
    }

    static void open() throws IOException {
        Files.deleteIfExists(dir.resolve("closed"));
    }

    /** The subcommands the platform ran skopeo with, in order (copy, inspect). */
    static List<String> calls() throws IOException {
        Path calls = dir.resolve("calls");
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    /** Opens the gate, so nothing the platform started waits on, and removes the script and its notes. */
    @Override
    public void stop() {
        try (var files = Files.walk(dir)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
