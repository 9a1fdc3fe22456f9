package dev.berth.engine.image;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Drives the {@code skopeo} command, which speaks the registry protocol (token auth, retries,
 * manifest conversion) so this code does not have to. Signatures are not checked (the policy file
 * accepts any image); content is, by digest, in {@link UnpackedImages}.
 */
final class Skopeo {

    private static final int OUTPUT_TAIL = 2000;

    private final Path binary;
    private final Path policy;
    private final Optional<Path> authFile;
    private final Duration timeout;

    Skopeo(Path binary, Path workDir, Optional<Path> authFile, Duration timeout) throws IOException {
        this.binary = binary;
        this.policy = workDir.resolve("policy.json");
        this.authFile = authFile;
        this.timeout = timeout;
        Files.writeString(policy, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
    }

    /** The manifest exactly as the registry serves it, byte for byte, so its digest can be checked. */
    byte[] rawManifest(String dockerReference, boolean plainHttp) throws IOException {
        List<String> command = command("inspect");
        command.add("--raw");
        if (plainHttp) {
            command.add("--tls-verify=false");
        }
        command.add("docker://" + dockerReference);
        return run(command, null);
    }

    /** Copies an image between two skopeo transports, passing each line of progress on. */
    void copy(String source, boolean plainHttpSource, String destination, Consumer<String> progress) throws IOException {
        List<String> command = command("copy");
        command.add("--retry-times=2");
        if (plainHttpSource) {
            command.add("--src-tls-verify=false");
        }
        command.add(source);
        command.add(destination);
        run(command, progress);
    }

    private List<String> command(String verb) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--policy", policy.toString(),
                "--command-timeout", timeout.toSeconds() + "s", verb));
        authFile.ifPresent(file -> command.add("--authfile=" + file));
        return command;
    }

    /**
     * Runs skopeo. Without a progress consumer its standard output is returned byte for byte and
     * its errors kept for the message; with one, both go to the consumer line by line.
     */
    private byte[] run(List<String> command, Consumer<String> progress) throws IOException {
        if (!Files.isExecutable(binary)) {
            throw new IOException("skopeo not found at " + binary + ": run ./berth up once as root, or set berth.images.skopeo");
        }
        Path errors = Files.createTempFile("berth-skopeo", ".err");
        ProcessBuilder builder = new ProcessBuilder(command);
        if (progress == null) {
            builder.redirectError(errors.toFile());
        } else {
            builder.redirectErrorStream(true);
        }
        Process process = builder.start();
        try {
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            StringBuilder tail = new StringBuilder();
            if (progress == null) {
                process.getInputStream().transferTo(output);
            } else {
                readLines(process, progress, tail);
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException("skopeo did not finish within " + timeout + ": check the registry, or raise berth.images.pull-timeout");
            }
            if (process.exitValue() != 0) {
                String message = progress == null ? Files.readString(errors) : tail.toString();
                throw new IOException("skopeo " + command.get(5) + " failed (exit " + process.exitValue() + "): " + message.strip());
            }
            return output.toByteArray();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while skopeo ran", e);
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(errors);
        }
    }

    private static void readLines(Process process, Consumer<String> progress, StringBuilder tail) throws IOException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                progress.accept(line);
                tail.append(line).append('\n');
                if (tail.length() > OUTPUT_TAIL) {
                    tail.delete(0, tail.length() - OUTPUT_TAIL);
                }
            }
        }
    }
}
