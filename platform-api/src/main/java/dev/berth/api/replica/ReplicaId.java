package dev.berth.api.replica;

import dev.berth.api.config.BerthConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Names this replica in the jobs it claims, so that after a restart it fails only its own
 * orphans and never the jobs another replica sharing the database is running. The name is kept
 * in the data directory, which is this replica's own (engine state and logs live there too).
 */
@ApplicationScoped
public class ReplicaId {

    @Inject
    BerthConfig config;

    private volatile String id;

    public String get() {
        if (id == null) {
            id = config.dispatch().replicaId().orElseGet(this::stored);
        }
        return id;
    }

    private String stored() {
        Path file = config.dataDir().resolve("replica-id");
        try {
            if (!Files.exists(file)) {
                Files.writeString(file, "replica-" + UUID.randomUUID() + "\n");
            }
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep this replica's name in " + file
                    + ": make the data directory writable by the service user, or set berth.dispatch.replica-id", e);
        }
    }
}
