package dev.berth.api.audit.chain;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** {@code h_i = SHA-256(canonical(e_i) || h_(i-1))}, with {@code h_0} thirty-two zero bytes. */
public final class ChainHash {

    public static final int LENGTH = 32;
    private static final byte[] GENESIS = new byte[LENGTH];

    private ChainHash() {
    }

    public static byte[] genesis() {
        return GENESIS.clone();
    }

    public static byte[] next(byte[] previous, AuditEvent event) {
        MessageDigest sha256 = sha256();
        sha256.update(Canonical.bytes(event));
        sha256.update(previous);
        return sha256.digest();
    }

    public static String hex(byte[] hash) {
        return HexFormat.of().formatHex(hash);
    }

    public static byte[] fromHex(String hex) {
        byte[] hash = HexFormat.of().parseHex(hex);
        if (hash.length != LENGTH) {
            throw new IllegalArgumentException("a chain hash has 64 hex digits, this one " + hex.length());
        }
        return hash;
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK lacks SHA-256", e);
        }
    }
}
