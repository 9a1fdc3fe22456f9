package dev.berth.api.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;

/** Everything under {@code berth.*} in the configuration (also settable as BERTH_* variables). */
@ConfigMapping(prefix = "berth")
public interface BerthConfig {

    /** Where the embedded database, signing key, engine state and job logs live. */
    Path dataDir();

    Engine engine();

    Dispatch dispatch();

    interface Engine {
        @WithDefault("/usr/bin/crun")
        Path runtime();

        @WithDefault("/var/lib/berth/images")
        Path imagesDir();

        @WithDefault("/berth")
        String cgroupParent();

        /** Per stream, per job. */
        @WithDefault("10485760")
        long logCapBytes();

        @WithDefault("10s")
        Duration killGrace();
    }

    interface Dispatch {
        /** Jobs running at once on this replica. */
        @WithDefault("4")
        int maxConcurrent();

        /** How often the queue is polled when nothing wakes the dispatcher. */
        @WithDefault("2s")
        Duration pollInterval();
    }
}
