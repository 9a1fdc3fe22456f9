package dev.berth.engine;

import dev.berth.engine.image.ImageLibrary;
import dev.berth.engine.testing.TestImageBuilder;
import dev.berth.engine.testing.TestLayers;
import dev.berth.engine.testing.TestRegistry;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** An engine whose image library pulls from a real registry of its own, and a builder of images to push there. */
abstract class RegistryTestSupport extends EngineTestSupport {

    static final long MAX_IMAGE_BYTES = 16L << 20;
    TestRegistry registry;
    ImageLibrary library;
    TestImageBuilder builder;
    /** The built-in busybox tree as a layer, the base of the images the tests build. */
    byte[] busybox;

    @BeforeEach
    void registryAndLibrary() throws Exception {
        registry = TestRegistry.start(temp.resolve("registry"));
        library = imageLibrary(Set.of(registry.host()), MAX_IMAGE_BYTES);
        engine.close();
        engine = IsolationEngine.create(config, library);
        builder = new TestImageBuilder(temp.resolve("build"));
        busybox = TestLayers.tarOf(Path.of("/var/lib/berth/images/busybox/rootfs"));
    }

    @AfterEach
    void stopRegistry() {
        registry.close();
    }
}
