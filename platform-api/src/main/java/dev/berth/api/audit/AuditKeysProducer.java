package dev.berth.api.audit;

import dev.berth.api.audit.chain.AuditKeys;
import dev.berth.api.config.BerthConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The checkpoint key: from {@code berth.audit.key-dir} when set, else created under the data directory. */
@ApplicationScoped
public class AuditKeysProducer {

    @Produces
    @Singleton
    AuditKeys keys(AuditConfig audit, BerthConfig berth) {
        try {
            return audit.keyDir().isPresent() ? AuditKeys.load(audit.keyDir().get())
                    : AuditKeys.loadOrCreate(berth.dataDir().resolve("keys"));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
