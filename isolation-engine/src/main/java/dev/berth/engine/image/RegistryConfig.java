package dev.berth.engine.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The configuration file of a CNCF distribution registry (Debian's {@code docker-registry}) as
 * Berth runs one: filesystem storage with deletes enabled (collection removes images), the access
 * log on (tests count blob fetches from it), and optionally token authentication, where the
 * registry trusts only tokens signed by the holder of {@code certificateBundle}'s key.
 */
public record RegistryConfig(Path storage, String address, Optional<String> httpSecret, Optional<TokenAuth> tokenAuth) {

    /** The token service the registry sends clients to, and what it trusts of its tokens. */
    public record TokenAuth(String realm, String service, String issuer, Path certificateBundle) {
    }

    /** Writes the configuration to {@code file}, replacing what was there. */
    public Path write(Path file) throws IOException {
        StringBuilder yaml = new StringBuilder("""
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
                """.formatted(storage, address));
        // Signs upload state; a fixed one lets uploads survive the registry's restarts.
        httpSecret.ifPresent(secret -> yaml.append("  secret: ").append(secret).append('\n'));
        tokenAuth.ifPresent(auth -> yaml.append("""
                auth:
                  token:
                    realm: %s
                    service: %s
                    issuer: %s
                    rootcertbundle: %s
                """.formatted(auth.realm(), auth.service(), auth.issuer(), auth.certificateBundle())));
        return Files.writeString(file, yaml);
    }
}
