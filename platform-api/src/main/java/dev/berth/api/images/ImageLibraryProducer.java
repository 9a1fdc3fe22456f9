package dev.berth.api.images;

import dev.berth.api.config.BerthConfig;
import dev.berth.engine.image.DirectoryImageStore;
import dev.berth.engine.image.ImageLibrary;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The image store of an engine replica, under {@code <data-dir>/images}, from {@code berth.images.*}. */
@ApplicationScoped
public class ImageLibraryProducer {

    @Produces
    @Singleton
    ImageLibrary library(BerthConfig config) {
        BerthConfig.Images images = config.images();
        try {
            Set<String> plainHttp = new HashSet<>(images.insecureRegistries().orElse(List.of()));
            config.registry().host().filter(host -> config.registry().plainHttp()).ifPresent(plainHttp::add);
            return ImageLibrary.open(new ImageLibrary.Settings(config.dataDir().resolve("images"), images.skopeo(),
                    Set.copyOf(plainHttp), images.maxImageBytes(), images.pullTimeout(),
                    images.authFile()), new DirectoryImageStore(config.engine().imagesDir()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the image store under " + config.dataDir()
                    + ": make the data directory writable by the service user", e);
        }
    }
}
