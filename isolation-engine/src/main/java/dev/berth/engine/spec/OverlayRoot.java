package dev.berth.engine.spec;

import dev.berth.engine.NativeTools;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The createContainer hook program that gives a job a read-only overlay of its image as its root
 * in place of the runtime's bind mount of the image directory, whose host path the bind would show
 * in the job's /proc/self/mountinfo. src/main/c/berth-overlay-root.c says how and why.
 */
public final class OverlayRoot {

    static final String TOOL = "berth-overlay-root";

    private OverlayRoot() {
    }

    /** Installs the program, shipped inside this jar, as an executable under {@code binDir}. */
    public static Path install(Path binDir) throws IOException {
        return NativeTools.install(OverlayRoot.class, TOOL, binDir);
    }
}
