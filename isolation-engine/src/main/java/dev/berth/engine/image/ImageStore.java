package dev.berth.engine.image;

import java.util.Optional;

/** Finds the unpacked root filesystem for an image reference. */
public interface ImageStore {

    Optional<ResolvedImage> resolve(String reference);
}
