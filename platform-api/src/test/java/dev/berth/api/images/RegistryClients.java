package dev.berth.api.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

    static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), output);
    }
}
