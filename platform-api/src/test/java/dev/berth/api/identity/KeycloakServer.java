package dev.berth.api.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real Keycloak (keycloak-quarkus-dist, unpacked by the build into target/keycloak) with the
 * repository's realm imported, started once per test JVM on a free loopback port and shared by
 * every test class that needs it. Its state starts empty on each run.
 */
public final class KeycloakServer {

    public static final String REALM = "berth";
    public static final String PLATFORM_CLIENT_SECRET = "berth-platform-dev-secret";
    public static final String CONSOLE_CLIENT_SECRET = "berth-console-dev-secret";

    private static final String URL_PROPERTY = "test.keycloak.running-url";
    private static final String ADMIN_PASSWORD_PROPERTY = "test.keycloak.running-admin-password";

    private static KeycloakServer shared;

    /** Only in the class loader that started it. */
    private final Process process;
    private final String baseUrl;
    private final String adminPassword;

    private KeycloakServer(Process process, String baseUrl, String adminPassword) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.adminPassword = adminPassword;
    }

    /**
     * Quarkus loads test resources anew (another class loader) each time it restarts the
     * application, so a static field alone would start a Keycloak per test class: the running one
     * is announced through system properties, which the whole JVM shares.
     */
    public static synchronized KeycloakServer shared() {
        if (shared == null) {
            String running = System.getProperty(URL_PROPERTY);
            if (running != null) {
                shared = new KeycloakServer(null, running, System.getProperty(ADMIN_PASSWORD_PROPERTY));
            } else {
                shared = start();
                Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "keycloak-stop"));
                System.setProperty(URL_PROPERTY, shared.baseUrl);
                System.setProperty(ADMIN_PASSWORD_PROPERTY, shared.adminPassword);
            }
        }
        return shared;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public String realmUrl() {
        return baseUrl + "/realms/" + REALM;
    }

    public String adminPassword() {
        return adminPassword;
    }

    private static KeycloakServer start() {
        Path home = Path.of(required("test.keycloak.home"));
        Path realmFile = Path.of(required("test.keycloak.realm-file"));
        if (!Files.isRegularFile(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("no Keycloak distribution in " + home + ": the build unpacks org.keycloak:keycloak-quarkus-dist"
                    + " there in generate-test-resources; run the tests through Maven (./berth test), not with -DskipTests");
        }
        Duration timeout = Duration.parse(System.getProperty("test.keycloak.timeout", "PT5M"));
        Path log = home.resolveSibling("keycloak.log");
        String adminPassword = UUID.randomUUID().toString();
        try {
            resetState(home, realmFile);
            int port = freePort();
            ProcessBuilder builder = new ProcessBuilder("bash", home.resolve("bin/kc.sh").toString(), "start-dev",
                    "--http-host=127.0.0.1", "--http-port=" + port, "--import-realm",
                    "--health-enabled=false", "--metrics-enabled=false")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
            builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
            Instant started = Instant.now();
            Process process = builder.start();
            String baseUrl = "http://127.0.0.1:" + port;
            awaitRealm(process, baseUrl + "/realms/" + REALM + "/.well-known/openid-configuration", timeout, log);
            System.out.printf("Keycloak %s ready at %s after %d s (log: %s)%n", home.getFileName(), baseUrl,
                    Duration.between(started, Instant.now()).toSeconds(), log);
            return new KeycloakServer(process, baseUrl, adminPassword);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Keycloak from " + home, e);
        }
    }

    /** A previous run's users and organizations must not leak into this one. */
    private static void resetState(Path home, Path realmFile) throws IOException {
        Path data = home.resolve("data");
        if (Files.exists(data)) {
            try (Stream<Path> paths = Files.walk(data)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        Path imports = Files.createDirectories(data.resolve("import"));
        Files.copy(realmFile, imports.resolve(realmFile.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void awaitRealm(Process process, String discoveryUrl, Duration timeout, Path log) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + " before it was ready:\n" + tail(log));
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(discoveryUrl)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Keycloak", e);
            }
            sleep(Duration.ofMillis(500));
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new IllegalStateException("Keycloak did not serve realm " + REALM + " within " + timeout.toSeconds()
                + " s (a loaded 2-core machine needs about 60 s; raise -Dtest.keycloak.timeout=PT10M if it is slower):\n" + tail(log));
    }

    /** kc.sh runs Keycloak's JVM as a child: stop that first, then the script. */
    private void stop() {
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            for (ProcessHandle child : children) {
                child.onExit().get(20, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            children.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Keycloak", e);
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set: run the tests through Maven, whose surefire"
                    + " configuration in platform-api/pom.xml sets it");
        }
        return value;
    }
}
