package dev.berth.engine;

import dev.berth.engine.runtime.OciRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.jboss.logging.Logger;

/** Removes a container's runtime state and its private bundle directory, whatever state they are in. */
final class ContainerRemoval {

    private static final Logger LOG = Logger.getLogger(ContainerRemoval.class);

    private ContainerRemoval() {
    }

    static void remove(String containerId, EngineConfig config, OciRuntime runtime) {
        if (Files.exists(config.stateDir().resolve(containerId))) {
            try {
                runtime.forceDelete(containerId);
            } catch (IOException e) {
                LOG.warnf("could not delete container %s: %s", containerId, e.getMessage());
            }
        }
        Path bundle = config.bundlesDir().resolve(containerId);
        if (!Files.exists(bundle)) {
            return;
        }
        try (var files = Files.walk(bundle)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warnf("could not remove bundle %s: %s", bundle, e.getMessage());
        }
    }
}
