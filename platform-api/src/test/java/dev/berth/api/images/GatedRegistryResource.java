package dev.berth.api.images;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.berth.api.EmbeddedPlatformResource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The embedded platform with its registry behind a gate the test opens and closes: the platform
 * reaches the registry only through a proxy on loopback, which holds every blob request while
 * {@link #close} holds the gate, so a fetch stays under way exactly as long as the test needs
 * (manifests pass, so jobs are still admitted and pinned). Each blob request is noted, so the test
 * counts downloads. Clients of the test push to {@link #registry}, the real one.
 */
public class GatedRegistryResource extends EmbeddedPlatformResource {

    private static final List<String> PASSED_HEADERS = List.of("Content-Type", "Docker-Content-Digest", "Docker-Distribution-Api-Version",
            "WWW-Authenticate");
    private static final List<String> BLOB_REQUESTS = new ArrayList<>();
    private static volatile boolean closed;
    private static String registry;

    private HttpServer proxy;
    private ExecutorService handlers;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Override
    public Map<String, String> start() {
        Map<String, String> properties = new HashMap<>(super.start());
        registry = properties.get("berth.registry.host");
        try {
            proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", freePort()), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the gated registry proxy", e);
        }
        // One thread per request: a blob held at the gate must not hold back the manifests.
        handlers = Executors.newCachedThreadPool();
        proxy.setExecutor(handlers);
        proxy.createContext("/", this::forward);
        proxy.start();
        properties.put("berth.registry.host", "127.0.0.1:" + proxy.getAddress().getPort());
        return properties;
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().toString();
            if (path.contains("/blobs/")) {
                synchronized (BLOB_REQUESTS) {
                    BLOB_REQUESTS.add(path);
                }
                while (closed) {
                    Thread.sleep(50);
                }
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + registry + path))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
            for (String header : List.of("Authorization", "Accept")) {
                String value = exchange.getRequestHeaders().getFirst(header);
                if (value != null) {
                    request.header(header, value);
                }
            }
            HttpResponse<InputStream> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            for (String header : PASSED_HEADERS) {
                answer.headers().firstValue(header).ifPresent(value -> exchange.getResponseHeaders().add(header, value));
            }
            long length = answer.headers().firstValueAsLong("Content-Length").orElse(0);
            boolean noBody = length == 0 || exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(answer.statusCode(), noBody ? -1 : length);
            try (InputStream body = answer.body(); OutputStream out = exchange.getResponseBody()) {
                if (!noBody) {
                    body.transferTo(out);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The registry itself, for the test's own pushes and for looking into its storage. */
    static String registry() {
        return registry;
    }

    static void close() {
        closed = true;
    }

    static void open() {
        closed = false;
    }

    /** The blob paths the platform asked the registry for, in order. */
    static List<String> blobRequests() {
        synchronized (BLOB_REQUESTS) {
            return List.copyOf(BLOB_REQUESTS);
        }
    }

    /** Opens the gate, so nothing the platform started waits on it, then stops the proxy and the platform. */
    @Override
    public void stop() {
        open();
        proxy.stop(0);
        handlers.shutdownNow();
        super.stop();
    }
}
