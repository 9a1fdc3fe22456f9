package dev.berth.engine.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up warm-up really goes through the unpack path, and leaves nothing in the store. */
class UnpackWarmUpTest {

    @TempDir
    Path store;

    @Test
    void theWarmUpUnpacksItsLayerThroughTheVerifiedPathAndLeavesNoTreeBehind() throws Exception {
        UnpackedImages unpacked = new UnpackedImages(store.resolve("rootfs"), OciLayout.open(store.resolve("oci"), new ObjectMapper()),
                new ObjectMapper(), 1L << 30);

        long bytes = unpacked.warmUp();

        assertThat(bytes).as("four rounds of a layer of some 2,000 files").isGreaterThan(4L * 10 * 1024 * 1024);
        try (Stream<Path> left = Files.list(store.resolve("rootfs"))) {
            assertThat(left).as("the warm-up's trees are removed").isEmpty();
        }
        assertThat(unpacked.digests()).isEmpty();
    }
}
