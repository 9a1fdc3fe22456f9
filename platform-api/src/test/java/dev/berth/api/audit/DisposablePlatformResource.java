package dev.berth.api.audit;

import dev.berth.api.EmbeddedPlatformResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** The embedded platform for the benchmark, whose million events (over a GiB) are removed afterwards. */
public class DisposablePlatformResource extends EmbeddedPlatformResource {

    private Path dataDir;

    @Override
    public Map<String, String> start() {
        Map<String, String> properties = super.start();
        dataDir = Path.of(properties.get("berth.data-dir"));
        return properties;
    }

    @Override
    public void stop() {
        super.stop();
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the benchmark's data directory " + dataDir, e);
        }
    }
}
