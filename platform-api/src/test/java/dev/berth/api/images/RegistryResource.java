package dev.berth.api.images;

import dev.berth.engine.image.FileTrees;
import dev.berth.engine.testing.TestRegistry;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real docker-registry on loopback for the platform under test, listed as a plain-HTTP registry
 * as an operator would list a lab registry; content older than nothing is collectable at once.
 */
public class RegistryResource implements QuarkusTestResourceLifecycleManager {

    static TestRegistry registry;
    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("berth-test-registry");
            registry = TestRegistry.start(dir);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test registry: " + e.getMessage(), e);
        }
        return Map.of("berth.images.insecure-registries", registry.host(), "berth.images.gc-grace", "0s");
    }

    @Override
    public void stop() {
        registry.close();
        try {
            FileTrees.remove(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the test registry's storage " + dir, e);
        }
    }
}
