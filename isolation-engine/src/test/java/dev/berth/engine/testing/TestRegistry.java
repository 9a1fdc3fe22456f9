package dev.berth.engine.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A real OCI distribution registry (Debian's docker-registry) on a free loopback port, over plain
 * HTTP, with its request log kept so a test can count which blobs were fetched.
 */
public final class TestRegistry implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/docker-registry");

    private final Process process;
    private final String host;
    private final Path log;

    private TestRegistry(Process process, String host, Path log) {
        this.process = process;
        this.host = host;
        this.log = log;
    }

    public static TestRegistry start(Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: prepare the host with scripts/host-setup.sh as root (./berth test does it)");
        }
        Files.createDirectories(dir);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String host = "127.0.0.1:" + port;
        Path config = dir.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: info
                  accesslog:
                    disabled: false
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: %s
                """.formatted(dir.resolve("storage"), host));
        Path log = dir.resolve("registry.log");
        Process process = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        TestRegistry registry = new TestRegistry(process, host, log);
        registry.awaitReady();
        return registry;
    }

    /** {@code 127.0.0.1:port}, the registry part of image references. */
    public String host() {
        return host;
    }

    /** How many times a client downloaded this blob (GET, not HEAD) from the repository. */
    public long blobDownloads(String repository, String digest) throws IOException {
        Pattern get = Pattern.compile("\"GET /v2/" + Pattern.quote(repository) + "/blobs/" + Pattern.quote(digest) + " HTTP");
        try (var lines = Files.lines(log)) {
            return lines.filter(line -> get.matcher(line).find()).count();
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited at start: " + Files.readString(log));
            }
            try {
                HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("docker-registry did not answer on " + host + " within 20 s: " + Files.readString(log));
    }

    @Override
    public void close() {
        process.destroy();
    }
}
