package dev.berth.api.auth;

import dev.berth.api.keys.KeyFiles;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The key Berth signs registry tokens with, and its self-signed certificate: the distribution
 * registry trusts a token whose {@code x5c} chain ends in a certificate of its
 * {@code rootcertbundle}, so an operator points that setting at {@link #certificateFile}. Created
 * once; every replica that mints registry tokens must share the directory (or a copy of it).
 */
public final class RegistryTokenKey {

    private static final String PRIVATE_FILE = "registry-token.key";
    private static final String CERTIFICATE_FILE = "registry-token.crt";
    private static final Duration VALIDITY = Duration.ofDays(3650);

    private final PrivateKey privateKey;
    private final X509Certificate certificate;
    private final Path certificateFile;

    private RegistryTokenKey(PrivateKey privateKey, X509Certificate certificate, Path certificateFile) {
        this.privateKey = privateKey;
        this.certificate = certificate;
        this.certificateFile = certificateFile;
    }

    public static synchronized RegistryTokenKey loadOrCreate(Path dir, String issuer) throws IOException {
        Path privateFile = dir.resolve(PRIVATE_FILE);
        Path certificateFile = dir.resolve(CERTIFICATE_FILE);
        try {
            if (!Files.exists(privateFile)) {
                KeyPair pair = KeyFiles.newRsaSigningPair();
                KeyFiles.writePair(dir, PRIVATE_FILE, pair.getPrivate().getEncoded(), CERTIFICATE_FILE,
                        pem(selfSigned(pair, issuer)).getBytes(StandardCharsets.US_ASCII));
            }
            X509Certificate certificate;
            try (InputStream in = Files.newInputStream(certificateFile)) {
                certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(privateFile)));
            return new RegistryTokenKey(key, certificate, certificateFile);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("the registry token key in " + dir + " is unreadable (" + e.getMessage() + "): remove "
                    + privateFile + " and " + certificateFile + " to make new ones, then point the registry's rootcertbundle at the new certificate", e);
        }
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The PEM certificate the registry's {@code auth.token.rootcertbundle} names. */
    public Path certificateFile() {
        return certificateFile;
    }

    private static X509Certificate selfSigned(KeyPair pair, String issuer) throws GeneralSecurityException, OperatorCreationException {
        X500Name name = new X500Name("CN=" + issuer + " registry tokens");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(VALIDITY)), name, pair.getPublic());
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
    }

    private static String pem(X509Certificate certificate) throws GeneralSecurityException {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    }
}
