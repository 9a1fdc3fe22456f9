package dev.berth.engine.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The token service of the Docker Registry token authentication flow: anyone may pull and push,
 * but only with a bearer token signed by a key whose certificate the registry trusts, so a client
 * that does not follow the flow gets nothing.
 */
final class TokenServer implements AutoCloseable {

    static final String SERVICE = "berth-test-registry";
    static final String ISSUER = "berth-test-token-service";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpServer server;
    private final PrivateKey key;
    private final String certificate;
    private final Path certificateFile;
    private final AtomicInteger issued = new AtomicInteger();

    private TokenServer(HttpServer server, PrivateKey key, String certificate, Path certificateFile) {
        this.server = server;
        this.key = key;
        this.certificate = certificate;
        this.certificateFile = certificateFile;
    }

    /** Makes a key and a self-signed certificate (the registry's root bundle) in {@code dir} and starts serving tokens. */
    static TokenServer start(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
        Path keyFile = dir.resolve("token.key");
        Path certFile = dir.resolve("token.crt");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=" + ISSUER, "-keyout", keyFile.toString(), "-out", certFile.toString())
                .redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (openssl.waitFor() != 0) {
            throw new IOException("openssl could not make the token signing key: " + output);
        }
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pem(keyFile)));
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(certFile));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        TokenServer tokens = new TokenServer(server, key, Base64.getEncoder().encodeToString(certificate.getEncoded()), certFile);
        server.createContext("/token", tokens::issue);
        server.start();
        return tokens;
    }

    String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** The certificate the registry trusts token signatures from. */
    Path certificateBundle() {
        return certificateFile;
    }

    int tokensIssued() {
        return issued.get();
    }

    private void issue(HttpExchange exchange) throws IOException {
        try {
            ArrayNode access = MAPPER.createArrayNode();
            for (String scope : scopes(exchange.getRequestURI().getRawQuery())) {
                String[] parts = scope.split(":");
                ObjectNode grant = access.addObject().put("type", parts[0]).put("name", parts[1]);
                ArrayNode actions = grant.putArray("actions");
                for (String action : parts[2].split(",")) {
                    actions.add(action);
                }
            }
            long now = Instant.now().getEpochSecond();
            ObjectNode claims = MAPPER.createObjectNode().put("iss", ISSUER).put("sub", "anonymous").put("aud", SERVICE)
                    .put("exp", now + 300).put("nbf", now - 10).put("iat", now).put("jti", UUID.randomUUID().toString());
            claims.set("access", access);
            ObjectNode header = MAPPER.createObjectNode().put("alg", "RS256").put("typ", "JWT");
            header.putArray("x5c").add(certificate);
            String signingInput = base64Url(MAPPER.writeValueAsBytes(header)) + "." + base64Url(MAPPER.writeValueAsBytes(claims));
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            String token = signingInput + "." + base64Url(signature.sign());
            byte[] body = MAPPER.writeValueAsBytes(MAPPER.createObjectNode().put("token", token).put("access_token", token));
            issued.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (GeneralSecurityException e) {
            exchange.sendResponseHeaders(500, -1);
        } finally {
            exchange.close();
        }
    }

    private static List<String> scopes(String query) {
        List<String> scopes = new ArrayList<>();
        if (query == null) {
            return scopes;
        }
        for (String parameter : query.split("&")) {
            if (parameter.startsWith("scope=")) {
                scopes.add(URLDecoder.decode(parameter.substring("scope=".length()), StandardCharsets.UTF_8));
            }
        }
        return scopes;
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] pem(Path file) throws IOException {
        String text = Files.readString(file);
        String body = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
