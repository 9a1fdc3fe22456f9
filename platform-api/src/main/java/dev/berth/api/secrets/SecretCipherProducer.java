package dev.berth.api.secrets;

import dev.berth.api.config.BerthConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The secrets key: {@code berth.secrets.key-file} when set (it must exist), else created under the data directory. */
@ApplicationScoped
public class SecretCipherProducer {

    static final String DEFAULT_KEY_FILE = "secrets.key";

    @Produces
    @Singleton
    SecretCipher cipher(SecretsConfig secrets, BerthConfig berth) {
        try {
            return secrets.keyFile().isPresent() ? SecretCipher.load(secrets.keyFile().get(), false)
                    : SecretCipher.load(berth.dataDir().resolve("keys").resolve(DEFAULT_KEY_FILE), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
