package dev.berth.api.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;

/**
 * Writes a freshly made key pair under a private directory. The private half appears atomically
 * and readable by the service user only, so a crash mid-write never leaves a torn or widely
 * readable key that a later start would trust.
 */
public final class KeyFiles {

    /** The size of every RSA key Berth makes for signing (NIST's 128-bit level). */
    private static final int RSA_BITS = 3072;

    private KeyFiles() {
    }

    public static KeyPair newRsaSigningPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(RSA_BITS);
        return generator.generateKeyPair();
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
