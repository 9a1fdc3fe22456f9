package dev.berth.engine.image;

import java.nio.file.Path;

/** An image ready to run: its content digest and its unpacked, shared, read-only root filesystem. */
public record ResolvedImage(String reference, String digest, Path rootfs) {
}
