package dev.berth.api.images.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.auth.RegistryScope;
import dev.berth.api.auth.RegistryTokens;
import dev.berth.api.config.BerthConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A tenant's storage in the registry, counted through the registry's own API so it works with any
 * distribution registry: every blob (configs and layers) that a tag of a {@code <tenant>/*}
 * repository references, each counted once however many tags and repositories share it.
 * Manifests themselves (a few KiB) are not counted.
 */
@ApplicationScoped
public class RegistryUsage {

    private static final int PAGE = 1000;

    @Inject
    BerthConfig config;
    @Inject
    RegistryHttp http;
    @Inject
    RegistryTokens tokens;
    @Inject
    ObjectMapper mapper;

    public boolean available() {
        return config.registry().host().isPresent();
    }

    public long bytes(String tenant) {
        Set<String> counted = new HashSet<>();
        long total = 0;
        for (String repository : repositories(tenant + "/")) {
            String pull = tokens.platformPull(repository);
            for (JsonNode tag : read(http.get(repository + "/tags/list", pull, null)).path("tags")) {
                total += manifestBytes(repository, tag.asText(), pull, counted);
            }
        }
        return total;
    }

    private long manifestBytes(String repository, String reference, String pull, Set<String> counted) {
        HttpResponse<byte[]> answer = http.get(repository + "/manifests/" + reference, pull, RegistryManifests.ACCEPT);
        if (answer.statusCode() != 200) {
            return 0; // deleted between the tag listing and now
        }
        JsonNode manifest = read(answer);
        long bytes = 0;
        for (JsonNode entry : manifest.path("manifests")) {
            if (counted.add(entry.path("digest").asText())) {
                bytes += manifestBytes(repository, entry.path("digest").asText(), pull, counted);
            }
        }
        List<JsonNode> blobs = new ArrayList<>();
        manifest.path("layers").forEach(blobs::add);
        if (manifest.has("config")) {
            blobs.add(manifest.path("config"));
        }
        for (JsonNode blob : blobs) {
            if (counted.add(blob.path("digest").asText())) {
                bytes += blob.path("size").asLong();
            }
        }
        return bytes;
    }

    private List<String> repositories(String prefix) {
        String catalog = tokens.mint("berth-platform", List.of(new RegistryScope("registry", "catalog", Set.of("*")))).token();
        List<String> repositories = new ArrayList<>();
        String last = null;
        while (true) {
            String page = "_catalog?n=" + PAGE + (last == null ? "" : "&last=" + URLEncoder.encode(last, StandardCharsets.UTF_8));
            JsonNode names = read(http.get(page, catalog, null)).path("repositories");
            for (JsonNode name : names) {
                last = name.asText();
                if (last.startsWith(prefix)) {
                    repositories.add(last);
                }
            }
            if (names.size() < PAGE) {
                return repositories;
            }
        }
    }

    private JsonNode read(HttpResponse<byte[]> answer) {
        try {
            return answer.statusCode() == 200 ? mapper.readTree(answer.body()) : mapper.createObjectNode();
        } catch (IOException e) {
            throw new UncheckedIOException("the registry answered " + answer.uri() + " with something that is not JSON", e);
        }
    }
}
