package dev.berth.api.identity;

import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.embedded.EmbeddedDefaults;
import dev.berth.engine.image.FileTrees;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The platform on the embedded PostgreSQL with the shared real Keycloak as its organization
 * directory. Init argument {@code issuer}: {@code keycloak} (default) also takes tokens from that
 * Keycloak, as production does; {@code embedded} keeps the local signing key, so tests can mint
 * tokens of any shape (expired, foreign issuer, wrong audience) while members still live in Keycloak.
 */
public class KeycloakPlatformResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedDefaults defaults;
    private Path dataDir;
    private boolean keycloakIssuer = true;

    @Override
    public void init(Map<String, String> initArgs) {
        keycloakIssuer = !"embedded".equals(initArgs.getOrDefault("issuer", "keycloak"));
    }

    @Override
    public Map<String, String> start() {
        KeycloakServer keycloak = KeycloakServer.shared();
        int port = EmbeddedPlatformResource.freePort();
        try {
            dataDir = Files.createTempDirectory("berth-test-data");
            defaults = EmbeddedDefaults.start(dataDir, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> properties = new HashMap<>(defaults.properties());
        properties.put("quarkus.http.test-port", String.valueOf(port));
        if (keycloakIssuer) {
            properties.keySet().removeIf(key -> key.startsWith("quarkus.oidc.") || key.startsWith("quarkus.http.auth."));
            properties.put("quarkus.oidc.auth-server-url", keycloak.realmUrl());
            properties.put("quarkus.oidc.console.credentials.secret", KeycloakServer.CONSOLE_CLIENT_SECRET);
        }
        properties.put("quarkus.keycloak.admin-client.server-url", keycloak.baseUrl());
        properties.put("quarkus.keycloak.admin-client.client-secret", KeycloakServer.PLATFORM_CLIENT_SECRET);
        properties.put("berth.dispatch.poll-interval", "200ms");
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
}
