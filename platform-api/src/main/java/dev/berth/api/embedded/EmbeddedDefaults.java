package dev.berth.api.embedded;

import dev.berth.api.auth.LocalSigningKey;
import dev.berth.api.auth.RegistryTokenKey;
import dev.berth.api.auth.TokenMinter;
import dev.berth.engine.image.RegistryConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The quick-start defaults of {@code ./berth up}: a real PostgreSQL kept under the data directory,
 * a token signing key created there on first start, and an image registry on loopback that trusts
 * Berth's token service. Each is skipped when the operator configured the external equivalent
 * (a JDBC URL, an OIDC server, {@code berth.registry.host}).
 */
public final class EmbeddedDefaults implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedDefaults.class);
    private static final int DEFAULT_HTTP_PORT = 8080;
    private static final Path REGISTRY_BINARY = Path.of("/usr/bin/docker-registry");

    private final Map<String, String> properties;
    private final DataDirLock lock;
    private final EmbeddedPostgres postgres;
    private final EmbeddedRegistry registry;

    private EmbeddedDefaults(Map<String, String> properties, DataDirLock lock, EmbeddedPostgres postgres, EmbeddedRegistry registry) {
        this.properties = Map.copyOf(properties);
        this.lock = lock;
        this.postgres = postgres;
        this.registry = registry;
    }

    /** The defaults for a platform on the configured HTTP port ({@code quarkus.http.port}, 8080 if unset). */
    public static EmbeddedDefaults start(Path dataDir) throws IOException {
        return start(dataDir, configured("quarkus.http.port").map(Integer::parseInt).orElse(DEFAULT_HTTP_PORT));
    }

    /** @param httpPort where the platform will listen: the embedded registry sends clients there for tokens */
    public static EmbeddedDefaults start(Path dataDir, int httpPort) throws IOException {
        Path absolute = Files.createDirectories(dataDir).toAbsolutePath().normalize();
        Map<String, String> properties = new HashMap<>();
        properties.put("berth.data-dir", absolute.toString());
        DataDirLock lock = DataDirLock.acquire(absolute);
        EmbeddedPostgres postgres = null;
        if (configured("quarkus.datasource.jdbc.url").isEmpty()) {
            Path pgData = absolute.resolve("postgres");
            LeftoverPostmaster.stopIfRunning(pgData);
            LOG.infof("starting the embedded PostgreSQL in %s", pgData);
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(pgData)
                    .setCleanDataDirectory(false)
                    // Its own hook would stop the server at SIGTERM while the platform still records the ends of jobs.
                    .setRegisterShutdownHook(false)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // The library turns these off, for tests; a job the platform acknowledged must survive a
                    // crash of the server or the machine.
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("fsync", "on")
                    .setServerConfig("full_page_writes", "on")
                    .start();
            properties.put("quarkus.datasource.jdbc.url", postgres.getJdbcUrl("postgres", "postgres"));
            properties.put("quarkus.datasource.username", "postgres");
            properties.put("quarkus.datasource.password", "");
        }
        if (configured("quarkus.oidc.auth-server-url").isEmpty()) {
            LocalSigningKey key = LocalSigningKey.loadOrCreate(absolute.resolve("keys"));
            properties.put("quarkus.oidc.public-key", key.publicKeyBase64());
            properties.put("quarkus.oidc.token.issuer", TokenMinter.ISSUER);
            // The web console's code flow needs a real OIDC server; without one it signs people in itself (EmbeddedLogin).
            properties.put("quarkus.oidc.console.tenant-enabled", "false");
            properties.put("quarkus.http.auth.permission.console.enabled", "false");
        }
        EmbeddedRegistry registry = null;
        if (configured("berth.registry.host").isEmpty()) {
            try {
                registry = startRegistry(absolute, httpPort);
            } catch (IOException | RuntimeException e) {
                if (postgres != null) {
                    postgres.close();
                }
                lock.close();
                throw e;
            }
            properties.put("berth.registry.host", registry.host());
            properties.put("berth.registry.plain-http", "true");
        }
        return new EmbeddedDefaults(properties, lock, postgres, registry);
    }

    private static EmbeddedRegistry startRegistry(Path dataDir, int httpPort) throws IOException {
        String service = configured("berth.registry.service").orElse("berth-registry");
        String issuer = configured("berth.registry.token-issuer").orElse("berth");
        Path keyDir = configured("berth.registry.token-key-dir").map(Path::of).orElse(dataDir.resolve("keys"));
        RegistryTokenKey key = RegistryTokenKey.loadOrCreate(keyDir, issuer);
        LOG.infof("starting the embedded registry under %s", dataDir.resolve("registry"));
        return EmbeddedRegistry.start(REGISTRY_BINARY, dataDir, new RegistryConfig.TokenAuth(
                "http://127.0.0.1:" + httpPort + "/api/v1/registry/token", service, issuer, key.certificateFile()));
    }

    private static Optional<String> configured(String property) {
        String env = property.toUpperCase().replaceAll("[^A-Z0-9]", "_");
        return Optional.ofNullable(System.getProperty(property)).or(() -> Optional.ofNullable(System.getenv(env)))
                .filter(value -> !value.isBlank());
    }

    /** Configuration pointing the platform at the embedded services. */
    public Map<String, String> properties() {
        return properties;
    }

    @Override
    public void close() throws IOException {
        try {
            if (registry != null) {
                registry.close();
            }
            if (postgres != null) {
                postgres.close();
            }
        } finally {
            lock.close();
        }
    }
}
