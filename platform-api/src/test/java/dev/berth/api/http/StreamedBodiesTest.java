package dev.berth.api.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.JobPolling;
import dev.berth.engine.testing.TestLayers;
import dev.berth.engine.testing.TestLayers.Layer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input uploads and image imports stream to storage under caps of their own, far beyond the JSON
 * body limit, while every other route keeps that limit; a body over its cap is refused with a
 * problem document, before it is read where its length says so, and nothing is stored.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class StreamedBodiesTest {

    @TempDir
    Path temp;

    private static final int MIB = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;
    @ConfigProperty(name = "berth.http.max-body-bytes")
    long jsonLimit;
    @Inject
    EntityManager em;

    private String admin() {
        return EmbeddedPlatformResource.token(dataDir, "body-admin", List.of(), "platform-admin");
    }

    private String member(String tenant) {
        return EmbeddedPlatformResource.token(dataDir, "user-of-" + tenant, List.of(tenant), "tenant-member");
    }

    @Test
    void aTwentyMegabyteRootfsImportStreamsInChunksAndAJobRunsOnIt() throws Exception {
        Path rootfs = Files.createTempDirectory(temp, "rootfs");
        Process copy = new ProcessBuilder("cp", "-a", "/var/lib/berth/images/busybox/rootfs/.", rootfs.toString()).inheritIO().start();
        assertThat(copy.waitFor()).isZero();
        byte[] big = random(20_000_000, 18);
        Files.write(rootfs.resolve("big.bin"), big);
        byte[] tar = TestLayers.tarOf(rootfs);
        assertThat(tar.length).as("well past the JSON body limit").isGreaterThan(2 * (int) jsonLimit);

        HttpResponse<String> imported = chunked(admin(), "/api/v1/admin/images/import?name=big&tag=v1", "application/x-tar", tar);
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
        assertThat(JSON.readTree(imported.body()).path("state").asText()).isEqualTo("READY");

        String tenant = member("big-images");
        String id = given().auth().oauth2(tenant).contentType(ContentType.JSON)
                .body(Map.of("image", "big:v1", "command", List.of("sh", "-c", "sha256sum /big.bin")))
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
        JsonPath job = JobPolling.awaitFinal(tenant, id, Duration.ofSeconds(90));
        assertThat(job.getString("state")).as(job.prettify()).isEqualTo("SUCCEEDED");
        String stdout = given().auth().oauth2(tenant).get("/api/v1/jobs/" + id + "/logs?stream=stdout").then().statusCode(200)
                .extract().asString();
        assertThat(stdout).startsWith(sha256(big));
    }

    @Test
    void anInputUploadStreamsInChunksPastTheJsonLimit() throws Exception {
        String data = text(12 * MIB, 3);
        byte[] tar = new Layer().file("data.bin", data).bytes();
        HttpResponse<String> uploaded = chunked(member("big-inputs"), "/api/v1/inputs", "application/x-tar", tar);
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        assertThat(JSON.readTree(uploaded.body()).path("bytes").asLong()).isEqualTo(tar.length);
    }

    @Test
    void jsonRoutesKeepTheirLimitWithOrWithoutALength() throws Exception {
        String tenant = member("json-limit");
        String padded = "{\"image\":\"busybox\",\"command\":[\"true\"],\"labels\":{\"pad\":\"" + "x".repeat((int) jsonLimit) + "\"}}";
        JsonNode declared = declaredOnly(tenant, "/api/v1/jobs", "application/json", padded.length());
        assertThat(declared.path("type").asText()).isEqualTo("https://berth.dev/problems/body-too-large");
        assertThat(declared.path("detail").asText()).contains("berth.http.max-body-bytes");
        HttpResponse<String> chunked = chunked(tenant, "/api/v1/jobs", "application/json", padded.getBytes(StandardCharsets.UTF_8));
        assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(413);
        given().auth().oauth2(tenant).get("/api/v1/jobs").then().statusCode(200).body("items.size()", equalTo(0));
    }

    @Test
    void aDeclaredLengthOverTheCapIsRefusedBeforeTheBodyIsReadAndStoresNothing() throws Exception {
        long uploads = count("SELECT count(*) FROM input_uploads") + count("SELECT count(*) FROM data_blobs");
        long images = count("SELECT count(*) FROM images");

        JsonNode input = declaredOnly(member("huge-inputs"), "/api/v1/inputs", "application/x-tar", 300_000_000L);
        assertThat(input.path("status").asInt()).isEqualTo(413);
        assertThat(input.path("type").asText()).isEqualTo("https://berth.dev/problems/input-too-large");
        assertThat(input.path("detail").asText()).contains("300000000 bytes").contains("berth.data.max-upload-bytes").contains("nothing was stored");

        JsonNode image = declaredOnly(admin(), "/api/v1/admin/images/import?name=huge&tag=v1", "application/x-tar", 9L << 30);
        assertThat(image.path("status").asInt()).isEqualTo(413);
        assertThat(image.path("type").asText()).isEqualTo("https://berth.dev/problems/image-too-large");
        assertThat(image.path("detail").asText()).contains("berth.images.max-image-bytes");

        assertThat(count("SELECT count(*) FROM input_uploads") + count("SELECT count(*) FROM data_blobs")).isEqualTo(uploads);
        assertThat(count("SELECT count(*) FROM images")).isEqualTo(images);
        assertThat(spooled()).isEmpty();
    }

    @Test
    void anUploadNoJobOfTheTenantCouldHoldIsRefusedByItsPolicyAndStoresNothing() throws Exception {
        given().auth().oauth2(admin()).contentType(ContentType.JSON).body(Map.of("maxResources", Map.of("scratchMiB", 8)))
                .put("/api/v1/admin/tenants/small-scratch/policy").then().statusCode(200);
        long before = count("SELECT count(*) FROM input_uploads") + count("SELECT count(*) FROM data_blobs");
        byte[] tar = new Layer().file("data.bin", text(9 * MIB, 5)).bytes();

        HttpResponse<String> refused = chunked(member("small-scratch"), "/api/v1/inputs", "application/x-tar", tar);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(413);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JSON.readTree(refused.body()).path("detail").asText()).contains(String.valueOf(8 * MIB)).contains("scratchMiB")
                .contains("nothing was stored");
        assertThat(count("SELECT count(*) FROM input_uploads") + count("SELECT count(*) FROM data_blobs")).isEqualTo(before);
        assertThat(spooled()).isEmpty();

        byte[] fits = new Layer().file("data.bin", text(7 * MIB, 6)).bytes();
        assertThat(chunked(member("small-scratch"), "/api/v1/inputs", "application/x-tar", fits).statusCode()).isEqualTo(201);
    }

    /** The body sent without a length, in chunks, as a streaming client sends it. */
    private static HttpResponse<String> chunked(String token, String path, String type, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    /** Declares a length and sends no body at all: an answer can only come from the declared length. */
    private static JsonNode declaredOnly(String token, String path, String type, long length) throws IOException {
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token + "\r\nContent-Type: " + type
                    + "\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                head.append((char) in.readUnsignedByte());
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 413").containsIgnoringCase("content-type: application/problem+json");
            Matcher declared = Pattern.compile("(?im)^content-length: *(\\d+)").matcher(head);
            assertThat(declared.find()).as(head.toString()).isTrue();
            byte[] body = new byte[Integer.parseInt(declared.group(1))];
            in.readFully(body);
            return JSON.readTree(body);
        }
    }

    private List<Path> spooled() throws IOException {
        Path uploads = dataDir.resolve("uploads");
        if (!Files.exists(uploads)) {
            return List.of();
        }
        try (var files = Files.list(uploads)) {
            return files.toList();
        }
    }

    private long count(String sql) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(sql).getSingleResult()).longValue());
    }

    private static byte[] random(int bytes, long seed) {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** ASCII, so that a layer's text file holds exactly this many bytes. */
    private static String text(int bytes, long seed) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder(bytes);
        for (int i = 0; i < bytes; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
