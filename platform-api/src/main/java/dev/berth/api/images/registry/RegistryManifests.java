package dev.berth.api.images.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.auth.RegistryTokens;
import dev.berth.api.config.BerthConfig;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Reads manifests from the platform's registry with a pull token the platform mints for itself:
 * the digest a tag names now, as the registry serves it for linux/amd64. A manifest list is
 * resolved to its linux/amd64 entry, so the digest a job is pinned to is the image that runs.
 */
@ApplicationScoped
public class RegistryManifests {

    private static final String ACCEPT = String.join(", ", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json");
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Inject
    BerthConfig config;
    @Inject
    RegistryTokens tokens;
    @Inject
    ObjectMapper mapper;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** The linux/amd64 manifest digest of {@code repository} (a path in the registry) at {@code tagOrDigest}; empty if absent. */
    public Optional<String> digest(String repository, String tagOrDigest) {
        byte[] body = manifest(repository, tagOrDigest).orElse(null);
        if (body == null) {
            return Optional.empty();
        }
        try {
            JsonNode manifest = mapper.readTree(body);
            if (!manifest.has("manifests")) {
                return Optional.of(sha256(body));
            }
            for (JsonNode entry : manifest.path("manifests")) {
                JsonNode platform = entry.path("platform");
                if (platform.path("os").asText().equals("linux") && platform.path("architecture").asText().equals("amd64")) {
                    return Optional.of(entry.path("digest").asText());
                }
            }
            throw new ProblemException(ProblemType.IMAGE_REFUSED, repository + ":" + tagOrDigest
                    + " has no linux/amd64 variant: this platform runs linux/amd64 images only");
        } catch (IOException e) {
            throw new ProblemException(ProblemType.IMAGE_REFUSED, repository + ":" + tagOrDigest + " has a manifest that is not JSON: push it again");
        }
    }

    private Optional<byte[]> manifest(String repository, String tagOrDigest) {
        String host = config.registry().host().orElseThrow();
        URI uri = URI.create((config.registry().plainHttp() ? "http://" : "https://") + host + "/v2/" + repository + "/manifests/" + tagOrDigest);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", ACCEPT)
                .header("Authorization", "Bearer " + tokens.platformPull(repository)).build();
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unavailable("cannot reach the registry at " + host + " (" + e.getMessage() + "): check berth.registry.host and that the registry runs");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while asking the registry at " + host);
        }
        return switch (answer.statusCode()) {
            case 200 -> Optional.of(answer.body());
            case 404 -> Optional.empty();
            case 401, 403 -> throw unavailable("the registry at " + host + " refused the platform's own token (" + answer.statusCode()
                    + "): its auth.token settings must name issuer '" + config.registry().tokenIssuer() + "', service '"
                    + config.registry().service() + "' and Berth's registry-token.crt as rootcertbundle");
            default -> throw unavailable("the registry at " + host + " answered " + answer.statusCode() + " for " + uri.getPath());
        };
    }

    private static ProblemException unavailable(String detail) {
        return new ProblemException(ProblemType.REGISTRY_UNAVAILABLE, detail);
    }

    private static String sha256(byte[] body) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
