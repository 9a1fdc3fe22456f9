package dev.berth.engine.image;

import java.util.List;
import java.util.Optional;

/** Finds the unpacked root filesystem for an image reference. */
public interface ImageStore {

    Optional<ResolvedImage> resolve(String reference);

    /** The images the host provides without a pull or import, which the platform lists in its catalog. */
    List<BuiltInImage> builtIn();
}
