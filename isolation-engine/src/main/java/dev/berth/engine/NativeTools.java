package dev.berth.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The engine's small static C programs (src/main/c), which the build compiles into this jar next
 * to the classes that use them. The runtime executes them by path, so each is copied out once per
 * engine as an executable only the service user can run.
 */
public final class NativeTools {

    private NativeTools() {
    }

    /**
     * Installs the program shipped as resource {@code name} beside {@code owner} under {@code binDir},
     * replacing any older copy atomically, and returns its path.
     */
    public static Path install(Class<?> owner, String name, Path binDir) throws IOException {
        Files.createDirectories(binDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path tool = binDir.resolve(name);
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new EngineException(name + " is missing from the engine jar: build the engine with gcc, libc6-dev and"
                        + " libseccomp-dev installed (./berth up installs them and builds it)");
            }
            Path staged = Files.createTempFile(binDir, name, ".new");
            Files.copy(in, staged, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rwx------"));
            Files.move(staged, tool, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return tool;
    }
}
