package dev.berth.api.embedded;

import dev.berth.api.auth.LocalSigningKey;
import dev.berth.api.auth.TokenMinter;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The quick-start defaults of {@code ./berth up}: a real PostgreSQL kept under the data directory
 * and a token signing key created there on first start. Each is skipped when the operator
 * configured the external equivalent (a JDBC URL, an OIDC server).
 */
public final class EmbeddedDefaults implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedDefaults.class);

    private final Map<String, String> properties;
    private final DataDirLock lock;
    private final EmbeddedPostgres postgres;

    private EmbeddedDefaults(Map<String, String> properties, DataDirLock lock, EmbeddedPostgres postgres) {
        this.properties = Map.copyOf(properties);
        this.lock = lock;
        this.postgres = postgres;
    }

    public static EmbeddedDefaults start(Path dataDir) throws IOException {
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
        return new EmbeddedDefaults(properties, lock, postgres);
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
            if (postgres != null) {
                postgres.close();
            }
        } finally {
            lock.close();
        }
    }
}
