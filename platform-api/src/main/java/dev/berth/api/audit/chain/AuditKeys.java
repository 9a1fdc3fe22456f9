package dev.berth.api.audit.chain;

import dev.berth.api.keys.KeyFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * The checkpoint signing key: Ed25519 from the JDK, stored as PEM files outside the database so
 * whoever can rewrite the database still cannot sign a checkpoint. The key ID is the first 16 hex
 * digits of SHA-256 over the public key's X.509 (SubjectPublicKeyInfo) encoding.
 */
public final class AuditKeys {

    public static final String PRIVATE_FILE = "audit-signing.key";
    public static final String PUBLIC_FILE = "audit-signing.pub";
    private static final String ALGORITHM = "Ed25519";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private AuditKeys(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** Creates the pair under {@code dir} on first use (the embedded default). */
    public static synchronized AuditKeys loadOrCreate(Path dir) throws IOException {
        if (!Files.exists(dir.resolve(PRIVATE_FILE))) {
            create(dir);
        }
        return load(dir);
    }

    /** Loads an existing pair, e.g. from a mounted secret; never creates one. */
    public static AuditKeys load(Path dir) throws IOException {
        Path privateFile = dir.resolve(PRIVATE_FILE);
        if (!Files.isReadable(privateFile)) {
            throw new IOException("no readable audit signing key at " + privateFile
                    + ": put an Ed25519 key pair there (" + PRIVATE_FILE + " PKCS#8 PEM, " + PUBLIC_FILE
                    + " X.509 PEM) or leave berth.audit.key-dir unset to create one under the data directory");
        }
        try {
            PrivateKey privateKey = KeyFactory.getInstance(ALGORITHM)
                    .generatePrivate(new PKCS8EncodedKeySpec(Pem.decode(Files.readString(privateFile), "PRIVATE KEY")));
            return new AuditKeys(privateKey, readPublic(dir.resolve(PUBLIC_FILE)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("the audit signing key in " + dir + " is unreadable (" + e.getMessage()
                    + "): restore it from backup; a new key cannot vouch for checkpoints signed by the old one", e);
        }
    }

    /** A published public key (PEM, as {@code GET /api/v1/audit/public-key} serves it). */
    public static PublicKey readPublic(Path file) throws IOException {
        try {
            return KeyFactory.getInstance(ALGORITHM)
                    .generatePublic(new X509EncodedKeySpec(Pem.decode(Files.readString(file), "PUBLIC KEY")));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(file + " is not an Ed25519 public key in PEM form (" + e.getMessage() + ")", e);
        }
    }

    private static void create(Path dir) throws IOException {
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("this JDK cannot make Ed25519 keys; use a JDK 21 or newer", e);
        }
        KeyFiles.writePair(dir, PRIVATE_FILE, Pem.encode(pair.getPrivate().getEncoded(), "PRIVATE KEY").getBytes(StandardCharsets.US_ASCII),
                PUBLIC_FILE, Pem.encode(pair.getPublic().getEncoded(), "PUBLIC KEY").getBytes(StandardCharsets.US_ASCII));
    }

    public static String keyId(PublicKey key) {
        return ChainHash.hex(ChainHash.sha256().digest(key.getEncoded())).substring(0, 16);
    }

    public String keyId() {
        return keyId(publicKey);
    }

    public String publicKeyPem() {
        return Pem.encode(publicKey.getEncoded(), "PUBLIC KEY");
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public Checkpoint sign(long seq, byte[] head, Instant now) {
        Instant time = now.truncatedTo(ChronoUnit.MICROS);
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(privateKey);
            signer.update(Checkpoint.signedText(seq, head, time));
            return new Checkpoint(seq, head.clone(), time, keyId(), signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    public static boolean verify(Checkpoint checkpoint, PublicKey key) {
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(checkpoint.signedText());
            return verifier.verify(checkpoint.signature());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** PEM armour: base64 of the DER between BEGIN and END lines. */
    static final class Pem {

        private Pem() {
        }

        static String encode(byte[] der, String label) {
            return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(der) + "\n-----END " + label + "-----\n";
        }

        static byte[] decode(String pem, String label) {
            String begin = "-----BEGIN " + label + "-----";
            String end = "-----END " + label + "-----";
            int from = pem.indexOf(begin);
            int to = pem.indexOf(end);
            if (from < 0 || to < from) {
                throw new IllegalArgumentException("expected a PEM block " + begin);
            }
            return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
        }
    }
}
