package dev.berth.api.replica;

import dev.berth.api.config.BerthConfig;
import dev.berth.engine.EngineConfig;
import dev.berth.engine.IsolationEngine;
import dev.berth.engine.image.ImageLibrary;
import dev.berth.engine.network.EgressSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Builds the isolation engine from {@code berth.engine.*}, its egress jobs connected as {@link EgressSettingsProducer} says. */
@ApplicationScoped
public class EngineProducer {

    @Produces
    @Singleton
    IsolationEngine engine(BerthConfig config, ImageLibrary images, EgressSettings egress) {
        BerthConfig.Engine engine = config.engine();
        try {
            return IsolationEngine.create(new EngineConfig(engine.runtime(), config.dataDir().resolve("engine"),
                    engine.imagesDir(), engine.cgroupParent(), engine.logCapBytes(), engine.killGrace()), images, egress);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the engine's directories under " + config.dataDir()
                    + ": make the data directory writable by the service user", e);
        }
    }

    void close(@Disposes IsolationEngine engine) {
        engine.close();
    }
}
