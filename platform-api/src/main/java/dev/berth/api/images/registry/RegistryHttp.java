package dev.berth.api.images.registry;

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
import java.time.Duration;

/** GETs from the platform's registry's v2 API with a token the platform minted; a failure says what to check. */
@ApplicationScoped
public class RegistryHttp {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Inject
    BerthConfig config;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** The answer to {@code GET /v2/<path>}: 200 and 404 come back, anything else is the registry's fault and fails. */
    HttpResponse<byte[]> get(String path, String token, String accept) {
        String host = config.registry().host().orElseThrow();
        URI uri = URI.create((config.registry().plainHttp() ? "http://" : "https://") + host + "/v2/" + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Authorization", "Bearer " + token);
        if (accept != null) {
            request.header("Accept", accept);
        }
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unavailable("cannot reach the registry at " + host + " (" + e.getMessage() + "): check berth.registry.host and that the registry runs");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while asking the registry at " + host);
        }
        return switch (answer.statusCode()) {
            case 200, 404 -> answer;
            case 401, 403 -> throw unavailable("the registry at " + host + " refused the platform's own token (" + answer.statusCode()
                    + "): its auth.token settings must name issuer '" + config.registry().tokenIssuer() + "', service '"
                    + config.registry().service() + "' and Berth's registry-token.crt as rootcertbundle");
            default -> throw unavailable("the registry at " + host + " answered " + answer.statusCode() + " for " + uri.getPath());
        };
    }

    private static ProblemException unavailable(String detail) {
        return new ProblemException(ProblemType.REGISTRY_UNAVAILABLE, detail);
    }
}
