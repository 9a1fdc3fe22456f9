package dev.berth.api.secrets;

import dev.berth.api.keys.KeyFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM over secret values with a key kept in a file outside the database, so a dump or a
 * stolen backup holds only ciphertext. The associated data is the tenant, name and version, so a
 * row copied onto another tenant's or name's row does not decrypt.
 */
public final class SecretCipher {

    static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final String keyId;

    /** A value as stored: which key, the nonce and the ciphertext with its tag. */
    public record Sealed(String keyId, byte[] nonce, byte[] ciphertext) {
    }

    private SecretCipher(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
        try {
            this.keyId = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The key in {@code file}; created (32 random bytes, mode 0600) when {@code create} and it does not exist. */
    public static SecretCipher load(Path file, boolean create) throws IOException {
        if (!Files.exists(file) && create) {
            byte[] fresh = new byte[KEY_BYTES];
            RANDOM.nextBytes(fresh);
            KeyFiles.writePrivate(file.getParent(), file.getFileName().toString(), fresh);
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException("the secrets key " + file + " does not exist: point berth.secrets.key-file at a file of "
                    + KEY_BYTES + " random bytes (head -c 32 /dev/urandom > FILE; chmod 600 FILE), or leave it unset to keep one in the data directory");
        }
        byte[] key = Files.readAllBytes(file);
        if (key.length != KEY_BYTES) {
            throw new IOException("the secrets key " + file + " holds " + key.length + " bytes, not " + KEY_BYTES
                    + ": it must be exactly 32 random bytes (AES-256)");
        }
        return new SecretCipher(key);
    }

    public String keyId() {
        return keyId;
    }

    public Sealed seal(String tenant, String name, int version, byte[] value) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(tenant, name, version));
            return new Sealed(keyId, nonce, cipher.doFinal(value));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    /** The value, or an exception naming the secret (never its bytes) when the key or the row does not match. */
    public byte[] open(String tenant, String name, int version, Sealed sealed) {
        if (!sealed.keyId().equals(keyId)) {
            throw new IllegalStateException("secret " + name + " of tenant " + tenant + " was encrypted with key " + sealed.keyId()
                    + ", but the configured secrets key is " + keyId + ": restore the key file it was written with");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.nonce()));
            cipher.updateAAD(associatedData(tenant, name, version));
            return cipher.doFinal(sealed.ciphertext());
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalStateException("secret " + name + " of tenant " + tenant + " does not decrypt: its row was changed"
                    + " or moved outside Berth; set it again with PUT /api/v1/secrets/" + name, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    private static byte[] associatedData(String tenant, String name, int version) {
        byte[] tenantBytes = tenant.getBytes(StandardCharsets.UTF_8);
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + tenantBytes.length + nameBytes.length + 4)
                .putInt(tenantBytes.length).put(tenantBytes).putInt(nameBytes.length).put(nameBytes).putInt(version).array();
    }
}
