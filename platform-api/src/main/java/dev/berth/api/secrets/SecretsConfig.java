package dev.berth.api.secrets;

import io.smallrye.config.ConfigMapping;
import java.nio.file.Path;
import java.util.Optional;

/** {@code berth.secrets.*}: where the key that encrypts tenant secrets lives, and how large a value may be. */
@ConfigMapping(prefix = "berth.secrets")
public interface SecretsConfig {

    /**
     * A file of 32 random bytes (AES-256), e.g. a mounted Kubernetes secret. Unset:
     * {@code <data dir>/keys/secrets.key}, created on first start. Never store it in the database.
     */
    Optional<Path> keyFile();
}
