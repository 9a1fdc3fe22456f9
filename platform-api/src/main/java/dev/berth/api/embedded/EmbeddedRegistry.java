package dev.berth.api.embedded;

import dev.berth.engine.image.RegistryConfig;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The quick start's image registry: Debian's docker-registry (the CNCF distribution registry) on
 * loopback, storing under {@code <data-dir>/registry}, trusting only tokens from Berth's token
 * service. Its address is kept in the data directory so image references stay valid across
 * restarts. A supervisor thread starts it, waits on it and starts it again if it dies; the
 * registry gets SIGTERM when that thread ends, so a killed platform leaves no registry behind.
 */
final class EmbeddedRegistry implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedRegistry.class);
    private static final Duration READY_WITHIN = Duration.ofSeconds(30);
    private static final Duration RESTART_DELAY = Duration.ofSeconds(1);

    private final Path binary;
    private final Path dir;
    private final String host;
    private final CompletableFuture<Void> firstStart = new CompletableFuture<>();
    private final Thread supervisor;
    private volatile boolean closing;
    private volatile Process process;

    private EmbeddedRegistry(Path binary, Path dir, String host) {
        this.binary = binary;
        this.dir = dir;
        this.host = host;
        this.supervisor = Thread.ofPlatform().daemon().name("berth-registry-supervisor").unstarted(this::supervise);
    }

    static EmbeddedRegistry start(Path binary, Path dataDir, RegistryConfig.TokenAuth auth) throws IOException {
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " is missing: run ./berth up once as root (host setup installs docker-registry),"
                    + " or point berth.registry.host at an external registry");
        }
        Path dir = Files.createDirectories(dataDir.resolve("registry"));
        String host = address(dir);
        new RegistryConfig(dir.resolve("storage"), host, Optional.of(secret(dir)), Optional.of(auth)).write(dir.resolve("config.yml"));
        EmbeddedRegistry registry = new EmbeddedRegistry(binary, dir, host);
        registry.supervisor.start();
        registry.awaitReady();
        return registry;
    }

    /** {@code 127.0.0.1:port}: the registry part of tenants' image references. */
    String host() {
        return host;
    }

    private void supervise() {
        while (!closing) {
            try {
                // setpriv asks the kernel for SIGTERM when this thread ends, even by SIGKILL of the JVM.
                process = new ProcessBuilder("setpriv", "--pdeathsig", "SIGTERM", "--", binary.toString(), "serve",
                        dir.resolve("config.yml").toString())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("registry.log").toFile())).start();
                firstStart.complete(null);
                int status = process.waitFor();
                if (!closing) {
                    LOG.warnf("the embedded registry exited with status %d (see %s); starting it again", status, dir.resolve("registry.log"));
                    Thread.sleep(RESTART_DELAY.toMillis());
                }
            } catch (IOException e) {
                firstStart.completeExceptionally(e);
                LOG.errorf(e, "cannot start the embedded registry; trying again in %s", RESTART_DELAY);
                try {
                    Thread.sleep(RESTART_DELAY.toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void awaitReady() throws IOException {
        try {
            firstStart.get(READY_WITHIN.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            close();
            throw new IOException("the embedded registry did not start: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the embedded registry started", e);
        }
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(READY_WITHIN);
        while (Instant.now().isBefore(deadline)) {
            try {
                int status = http.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 401) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the embedded registry started", e);
            }
            sleep();
        }
        close();
        throw new IOException("the embedded registry did not answer on " + host + " within " + READY_WITHIN.toSeconds() + " s: see "
                + dir.resolve("registry.log"));
    }

    /** The address chosen on first start, or a new one if another program took its port meanwhile. */
    private static String address(Path dir) throws IOException {
        Path file = dir.resolve("address");
        if (Files.isRegularFile(file)) {
            String kept = Files.readString(file).strip();
            int port = Integer.parseInt(kept.substring(kept.lastIndexOf(':') + 1));
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return kept;
            } catch (BindException taken) {
                LOG.warnf("port %d of the embedded registry is taken by another program; moving the registry to a new port"
                        + " (jobs already queued for images at %s fail to fetch them)", port, kept);
            }
        }
        String host;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            host = "127.0.0.1:" + socket.getLocalPort();
        }
        Files.writeString(file, host + "\n");
        return host;
    }

    /** The registry signs upload state with this; kept so uploads survive its restarts. */
    private static String secret(Path dir) throws IOException {
        Path file = dir.resolve("http-secret");
        if (!Files.isRegularFile(file)) {
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, HexFormat.of().formatHex(bytes));
        }
        return Files.readString(file).strip();
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closing = true;
        Process running = process;
        if (running != null) {
            running.destroy();
            try {
                running.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        supervisor.interrupt();
    }
}
