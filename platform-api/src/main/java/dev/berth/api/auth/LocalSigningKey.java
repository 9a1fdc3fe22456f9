package dev.berth.api.auth;

import dev.berth.api.keys.KeyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The embedded issuer's RSA key pair, created once under the data directory. The private half is
 * readable by the service user only; the platform verifies tokens with the public half.
 */
public final class LocalSigningKey {

    private static final String PRIVATE_FILE = "token-signing.key";
    private static final String PUBLIC_FILE = "token-signing.pub";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private LocalSigningKey(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    public static synchronized LocalSigningKey loadOrCreate(Path dir) throws IOException {
        Path privateFile = dir.resolve(PRIVATE_FILE);
        Path publicFile = dir.resolve(PUBLIC_FILE);
        try {
            if (!Files.exists(privateFile)) {
                KeyPair pair = KeyFiles.newRsaSigningPair();
                KeyFiles.writePair(dir, PRIVATE_FILE, pair.getPrivate().getEncoded(), PUBLIC_FILE, pair.getPublic().getEncoded());
            }
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            return new LocalSigningKey(
                    rsa.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(privateFile))),
                    rsa.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(publicFile))));
        } catch (GeneralSecurityException e) {
            throw new IOException("the token signing key in " + dir + " is unreadable (" + e.getMessage()
                    + "): remove " + dir + " to create a new one (existing tokens stop working)", e);
        }
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(publicKey.getEncoded());
    }
}
