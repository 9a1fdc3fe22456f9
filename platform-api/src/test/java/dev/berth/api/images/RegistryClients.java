package dev.berth.api.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The standard registry clients a tenant would use, run as they are (skopeo, podman), with their output kept. */
final class RegistryClients {

    record Result(int status, String output) {
        boolean ok() {
            return status == 0;
        }
    }

    private RegistryClients() {
    }

    static Result skopeo(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/skopeo", "--insecure-policy"));
        command.addAll(List.of(arguments));
        return run(command);
    }

    /** podman with storage of its own under {@code home} (vfs, no daemon, no system configuration touched). */
    static Result podman(Path home, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/podman", "--root", home.resolve("storage").toString(),
                "--runroot", home.resolve("run").toString(), "--storage-driver", "vfs"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Files.createDirectories(home.resolve("xdg"));
        builder.environment().put("HOME", home.toString());
        builder.environment().put("XDG_RUNTIME_DIR", home.resolve("xdg").toString());
        return run(builder);
    }

    /**
     * Removes a podman home: its storage holds files owned by the user's subordinate ids, which only
     * podman's own user namespace can delete.
     */
    static void removePodmanHome(Path home) throws IOException, InterruptedException {
        if (Files.isDirectory(home.resolve("storage"))) {
            Result removed = podman(home, "unshare", "rm", "-rf", home.resolve("storage").toString(), home.resolve("run").toString());
            if (!removed.ok()) {
                throw new IOException("cannot remove the podman storage under " + home + ": " + removed.output());
            }
        }
    }

    static Result run(List<String> command) throws IOException, InterruptedException {
        return run(new ProcessBuilder(command).redirectErrorStream(true));
    }

    private static Result run(ProcessBuilder builder) throws IOException, InterruptedException {
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), output);
    }
}
