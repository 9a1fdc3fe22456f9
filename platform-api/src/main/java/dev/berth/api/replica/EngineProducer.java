package dev.berth.api.replica;

import dev.berth.api.config.BerthConfig;
import dev.berth.engine.EngineConfig;
import dev.berth.engine.IsolationEngine;
import dev.berth.engine.image.ImageLibrary;
import dev.berth.engine.network.EgressSettings;
import dev.berth.policy.egress.Cidr;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Builds the isolation engine from {@code berth.engine.*}. */
@ApplicationScoped
public class EngineProducer {

    @Produces
    @Singleton
    IsolationEngine engine(BerthConfig config, ImageLibrary images) {
        BerthConfig.Engine engine = config.engine();
        try {
            return IsolationEngine.create(new EngineConfig(engine.runtime(), config.dataDir().resolve("engine"),
                    engine.imagesDir(), engine.cgroupParent(), engine.logCapBytes(), engine.killGrace()), images,
                    EgressSettings.host(platformNetworks(engine.egressPlatformNetworks().orElse(List.of()))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the engine's directories under " + config.dataDir()
                    + ": make the data directory writable by the service user", e);
        }
    }

    private static List<Cidr> platformNetworks(List<String> configured) {
        return configured.stream().map(text -> Cidr.parse(text.strip()).orElseThrow(() -> new IllegalArgumentException(
                "berth.engine.egress-platform-networks: " + text + " is not an address or CIDR with zero host bits, such as 10.20.0.0/16")))
                .toList();
    }

    void close(@Disposes IsolationEngine engine) {
        engine.close();
    }
}
