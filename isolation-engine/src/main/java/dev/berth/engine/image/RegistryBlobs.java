package dev.berth.engine.image;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Reads manifests and blobs by digest from one repository of an OCI distribution registry with a
 * bearer token its token service issued, so a layer can be unpacked while it downloads. Nothing it
 * answers is trusted: callers check every byte against the digest they asked for.
 */
final class RegistryBlobs {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    private static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT).build();
    private final Duration timeout;

    RegistryBlobs(Duration timeout) {
        this.timeout = timeout;
    }

    /** Where one repository is read from, and the token that may read it. */
    record Repository(String registry, boolean plainHttp, String path, String token) {

        URI uri(String kind, String digest) {
            return URI.create((plainHttp ? "http://" : "https://") + registry + "/v2/" + path + "/" + kind + "/" + digest);
        }
    }

    byte[] manifest(Repository repository, String digest, String accept) throws IOException {
        try (InputStream body = get(repository, "manifests", digest, accept)) {
            byte[] manifest = body.readNBytes(MAX_MANIFEST_BYTES + 1);
            if (manifest.length > MAX_MANIFEST_BYTES) {
                throw new ImageFormatException("the manifest " + digest + " of " + repository.path() + " is larger than "
                        + MAX_MANIFEST_BYTES + " bytes: no image needs one so large; push it again");
            }
            return manifest;
        }
    }

    /** The blob's body as it arrives; the caller reads it to its end and checks its digest. */
    InputStream blob(Repository repository, String digest) throws IOException {
        return get(repository, "blobs", digest, null);
    }

    private InputStream get(Repository repository, String kind, String digest, String accept) throws IOException {
        URI uri = repository.uri(kind, digest);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("Authorization", "Bearer " + repository.token());
        if (accept != null) {
            request.header("Accept", accept);
        }
        HttpResponse<InputStream> answer = send(repository, uri, request.build());
        Optional<String> location = answer.headers().firstValue("Location");
        if (REDIRECTS.contains(answer.statusCode()) && location.isPresent()) {
            answer.body().close();
            // A registry sends blobs on to their storage at a signed address; the registry's token must not go along.
            answer = send(repository, uri, HttpRequest.newBuilder(uri.resolve(location.get())).timeout(timeout).build());
        }
        if (answer.statusCode() == 200) {
            return answer.body();
        }
        String said;
        try (InputStream body = answer.body()) {
            said = new String(body.readNBytes(500), StandardCharsets.UTF_8).strip();
        }
        throw new IOException("the registry at " + repository.registry() + " answered " + answer.statusCode() + " for " + uri.getPath()
                + (said.isEmpty() ? "" : " (" + said + ")") + switch (answer.statusCode()) {
                    case 401, 403 -> ": it refused the pull token; check the registry's token settings";
                    case 404 -> ": the registry no longer holds it; push the image again";
                    default -> ": check the registry's log";
                });
    }

    private HttpResponse<InputStream> send(Repository repository, URI uri, HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new IOException("cannot reach the registry at " + repository.registry() + " for " + uri.getPath() + " (" + e
                    + "): check that the registry runs and that this host reaches it", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking the registry at " + repository.registry() + " for " + uri.getPath(), e);
        }
    }
}
