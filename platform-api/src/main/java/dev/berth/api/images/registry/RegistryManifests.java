package dev.berth.api.images.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.auth.RegistryTokens;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Reads manifests from the platform's registry with a pull token the platform mints for itself:
 * the digest a tag names now, as the registry serves it for linux/amd64. A manifest list is
 * resolved to its linux/amd64 entry, so the digest a job is pinned to is the image that runs.
 */
@ApplicationScoped
public class RegistryManifests {

    /** Every manifest and index type this platform reads. */
    static final String ACCEPT = String.join(", ", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json");

    @Inject
    RegistryHttp http;
    @Inject
    RegistryTokens tokens;
    @Inject
    ObjectMapper mapper;

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

    /** The manifest exactly as the registry serves it; empty if there is none of that tag or digest. */
    Optional<byte[]> manifest(String repository, String tagOrDigest) {
        HttpResponse<byte[]> answer = http.get(repository + "/manifests/" + tagOrDigest, tokens.platformPull(repository), ACCEPT);
        return answer.statusCode() == 200 ? Optional.of(answer.body()) : Optional.empty();
    }

    private static String sha256(byte[] body) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
