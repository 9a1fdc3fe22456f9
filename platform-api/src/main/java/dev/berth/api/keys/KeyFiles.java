package dev.berth.api.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a freshly made key pair under a private directory. The private half appears atomically
 * and readable by the service user only, so a crash mid-write never leaves a torn or widely
 * readable key that a later start would trust.
 */
public final class KeyFiles {

    private KeyFiles() {
    }

    public static void writePair(Path dir, String privateName, byte[] privateBytes, String publicName, byte[] publicBytes)
            throws IOException {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.write(dir.resolve(publicName), publicBytes);
        writePrivate(dir, privateName, privateBytes);
    }

    /** Writes a secret key alone (a symmetric one has no public half), the same way as the private half of a pair. */
    public static void writePrivate(Path dir, String privateName, byte[] privateBytes) throws IOException {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path temp = Files.createTempFile(dir, privateName, ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(temp, privateBytes);
        Files.move(temp, dir.resolve(privateName), StandardCopyOption.ATOMIC_MOVE);
    }
}
