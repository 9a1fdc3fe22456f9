package dev.berth.engine.testing;

import dev.berth.engine.image.RegistryConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
    private final TokenServer tokens;

    private TestRegistry(Process process, String host, Path log, TokenServer tokens) {
        this.process = process;
        this.host = host;
        this.log = log;
        this.tokens = tokens;
    }

    /** A registry open to anyone. */
    public static TestRegistry start(Path dir) throws IOException, InterruptedException {
        return start(dir, null);
    }

    /**
     * A registry that answers every request without a bearer token from its token service with
     * 401, as Docker Hub and most hosted registries do.
     */
    public static TestRegistry startWithTokenAuth(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        try {
            return start(dir, TokenServer.start(dir));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the token service's key: " + e.getMessage(), e);
        }
    }

    private static TestRegistry start(Path dir, TokenServer tokens) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: prepare the host with scripts/host-setup.sh as root (./berth test does it)");
        }
        Files.createDirectories(dir);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String host = "127.0.0.1:" + port;
        Path config = new RegistryConfig(dir.resolve("storage"), host, Optional.empty(), Optional.ofNullable(tokens)
                .map(service -> new RegistryConfig.TokenAuth(service.realm(), TokenServer.SERVICE, TokenServer.ISSUER,
                        service.certificateBundle()))).write(dir.resolve("config.yml"));
        Path log = dir.resolve("registry.log");
        Process process = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        TestRegistry registry = new TestRegistry(process, host, log, tokens);
        registry.awaitReady();
        return registry;
    }

    /** {@code 127.0.0.1:port}, the registry part of image references. */
    public String host() {
        return host;
    }

    /** Tokens the token service handed out; zero for a registry open to anyone. */
    public int tokensIssued() {
        return tokens == null ? 0 : tokens.tokensIssued();
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
                if (answer.statusCode() == 200 || (tokens != null && answer.statusCode() == 401)) {
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
        try {
            // Its storage directory is removed next; a registry still flushing would write into it.
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (tokens != null) {
            tokens.close();
        }
    }
}
