package dev.berth.api;

import dev.berth.api.auth.LocalSigningKey;
import dev.berth.api.auth.TokenMinter;
import dev.berth.api.embedded.EmbeddedDefaults;
import dev.berth.engine.image.FileTrees;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Starts the same embedded defaults as {@code ./berth up} (a real PostgreSQL, a signing key, the registry)
 * under a fresh data directory for the test run, removed when the run is over.
 */
public class EmbeddedPlatformResource implements QuarkusTestResourceLifecycleManager {

    private Path dataDir;
    private EmbeddedDefaults defaults;

    @Override
    public Map<String, String> start() {
        int port = freePort();
        try {
            dataDir = Files.createTempDirectory("berth-test-data");
            defaults = EmbeddedDefaults.start(dataDir, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> properties = new HashMap<>(defaults.properties());
        properties.put("quarkus.http.test-port", String.valueOf(port));
        properties.put("berth.dispatch.poll-interval", "200ms");
        properties.put("berth.dispatch.retry-backoff", "300ms");
        return properties;
    }

    @Override
    public void stop() {
        try {
            defaults.close();
            FileTrees.remove(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A port for the platform under test, fixed before it starts: the embedded registry sends
     * clients to the platform's token endpoint. Every test resource fixes its port this way, as
     * Quarkus' HTTP metrics carry a server_port tag only for a fixed port and Prometheus refuses a
     * meter whose tags differ from the one an earlier application in the same JVM registered.
     */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Tokens signed with the key the platform under test trusts. */
    public static String token(Path dataDir, String user, List<String> organizations, String... roles) {
        try {
            return new TokenMinter(LocalSigningKey.loadOrCreate(dataDir.resolve("keys")))
                    .mint(user, organizations, Set.of(roles), Duration.ofMinutes(10));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
