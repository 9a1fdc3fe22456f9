package dev.berth.api.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** {@code berth.audit.*}: where the checkpoint key lives and how often checkpoints are signed. */
@ConfigMapping(prefix = "berth.audit")
public interface AuditConfig {

    /**
     * Directory holding {@code audit-signing.key} and {@code audit-signing.pub} (e.g. a mounted
     * secret). Unset: {@code <data dir>/keys}, where a key pair is created on first start.
     */
    Optional<Path> keyDir();

    /** A checkpoint is signed once this many events have been added since the last one... */
    @WithDefault("1000")
    int checkpointEvery();

    /** ...or once this much time has passed with any new event. */
    @WithDefault("60s")
    Duration checkpointInterval();
}
