package dev.berth.api.images;

import dev.berth.engine.testing.TestRegistry;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.util.Map;

/**
 * A real docker-registry on loopback for the platform under test, listed as a plain-HTTP registry
 * as an operator would list a lab registry; content older than nothing is collectable at once.
 */
public class RegistryResource implements QuarkusTestResourceLifecycleManager {

    static TestRegistry registry;

    @Override
    public Map<String, String> start() {
        try {
            registry = TestRegistry.start(Files.createTempDirectory("berth-test-registry"));
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test registry: " + e.getMessage(), e);
        }
        return Map.of("berth.images.insecure-registries", registry.host(), "berth.images.gc-grace", "0s");
    }

    @Override
    public void stop() {
        registry.close();
    }
}
