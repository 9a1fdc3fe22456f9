package dev.berth.api.inputs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.JobPolling;
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
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A tenant's stored input uploads count against its uploadBytes quota, through the real HTTP path:
 * an upload over it is refused whole (declared or chunked) with nothing stored and the spool empty,
 * two concurrent uploads that fit alone but not together cannot both be stored, and deleting an
 * upload or its expiry frees the room, while an upload an open job names is kept until the job ends.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class UploadQuotaTest {

    /** A tar of one small file: its header, one block of content and the end-of-archive blocks. */
    private static final long SMALL = 2048;
    /** A tar of one 20,000-byte file: its header, 40 blocks of content and the end-of-archive blocks. */
    private static final long LARGE = 22016;
    /** Room for either tar alone, not for both, and not for two large ones. */
    private static final long QUOTA = 23000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;
    @Inject
    EntityManager em;
    @Inject
    InputUploads uploads;

    @Test
    void anUploadOverTheQuotaIsRefusedWholeAndDeletingAnUploadFreesItsRoom() throws Exception {
        String tenant = quotaOf("upload-quota-over", QUOTA);
        String member = member(tenant);
        String small = upload(member, smallTar(), SMALL);
        assertInUse(member, SMALL);

        byte[] large = largeTar();
        long stored = stored();
        // Declared: refused before a byte of the body is read.
        JsonNode declared = JSON.readTree(given().auth().oauth2(member).contentType("application/x-tar").body(large)
                .post("/api/v1/inputs").then().statusCode(413).contentType("application/problem+json").extract().asString());
        assertThat(declared.path("type").asText()).isEqualTo("https://berth.dev/problems/upload-quota-exceeded");
        assertThat(declared.path("detail").asText()).contains("the upload is " + LARGE + " bytes")
                .contains("more than the " + (QUOTA - SMALL) + " bytes left").contains("uploadBytes quota (" + QUOTA + " bytes, " + SMALL + " in use")
                .contains("nothing was stored").contains("DELETE /api/v1/inputs/{id}");
        // Chunked: refused as it streams past the room left.
        HttpResponse<String> chunked = chunked(member, new ByteArrayInputStream(large)).get(60, TimeUnit.SECONDS);
        assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(413);
        assertThat(chunked.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JSON.readTree(chunked.body()).path("detail").asText()).contains("uploadBytes quota").contains("nothing was stored");
        assertThat(stored()).isEqualTo(stored);
        assertThat(spooled()).isEmpty();
        assertInUse(member, SMALL);

        // Another tenant cannot delete it; its own member can, and the room is back.
        given().auth().oauth2(member("upload-quota-stranger")).delete("/api/v1/inputs/" + small).then().statusCode(404)
                .contentType("application/problem+json");
        given().auth().oauth2(member).delete("/api/v1/inputs/" + small).then().statusCode(204);
        given().auth().oauth2(member).delete("/api/v1/inputs/" + small).then().statusCode(404);
        assertInUse(member, 0);
        upload(member, large, LARGE);
        assertInUse(member, LARGE);
    }

    @Test
    void twoConcurrentUploadsThatFitAloneButNotTogetherStoreOnlyOne() throws Exception {
        String tenant = quotaOf("upload-quota-race", QUOTA);
        String member = member(tenant);
        byte[] large = largeTar();
        long stored = stored();
        // Both start together; whichever check refuses one (the room read as it began, or the check under the
        // tenant's lock as the other stores its row), together they cannot pass the quota.
        List<CompletableFuture<HttpResponse<String>>> answers = Stream.of(1, 2)
                .map(i -> chunked(member, new ByteArrayInputStream(large))).toList();

        List<HttpResponse<String>> done = answers.stream().map(CompletableFuture::join).toList();
        assertThat(done).extracting(HttpResponse::statusCode).as(done.stream().map(HttpResponse::body).toList().toString())
                .containsExactlyInAnyOrder(201, 413);
        JsonNode refused = JSON.readTree(done.stream().filter(answer -> answer.statusCode() == 413).findFirst().orElseThrow().body());
        assertThat(refused.path("type").asText()).isEqualTo("https://berth.dev/problems/upload-quota-exceeded");
        assertThat(refused.path("detail").asText()).contains("uploadBytes quota (" + QUOTA + " bytes").contains("nothing was stored");
        assertThat(stored()).as("one upload row and its blob").isEqualTo(stored + 2);
        assertThat(spooled()).isEmpty();
        assertInUse(member, LARGE);
    }

    @Test
    void anUploadAnOpenJobNamesIsKeptFromDeletionAndExpiryUntilTheJobEnds() throws Exception {
        String tenant = quotaOf("upload-quota-kept", QUOTA);
        String member = member(tenant);
        String named = upload(member, smallTar(), SMALL);
        String loose = upload(member, new Layer().file("other.txt", "b").bytes(), SMALL);
        String job = given().auth().oauth2(member).contentType(ContentType.JSON)
                .body(Map.of("image", "busybox", "command", List.of("sh", "-c", "cat /tmp/in/data.csv; sleep 60"),
                        "inputs", Map.of("path", "/tmp/in", "upload", named)))
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
        assertThat(JobPolling.awaitState(member, job, Set.of("RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"), Duration.ofSeconds(60))
                .getString("state")).isEqualTo("RUNNING");

        JsonNode inUse = JSON.readTree(given().auth().oauth2(member).delete("/api/v1/inputs/" + named).then().statusCode(409)
                .contentType("application/problem+json").extract().asString());
        assertThat(inUse.path("type").asText()).isEqualTo("https://berth.dev/problems/upload-in-use");
        assertThat(inUse.path("detail").asText()).contains(job).contains("once they end");
        // As if the retention had passed for both: the one no job names goes, the named one stays.
        uploads.expire(Instant.now().plusSeconds(1));
        assertThat(count("SELECT count(*) FROM input_uploads WHERE id = '" + loose + "'")).isZero();
        assertThat(count("SELECT count(*) FROM input_uploads WHERE id = '" + named + "'")).isOne();
        assertInUse(member, SMALL);

        given().auth().oauth2(member).post("/api/v1/jobs/" + job + "/cancel").then().statusCode(202);
        JsonPath ended = JobPolling.awaitFinal(member, job, Duration.ofSeconds(60));
        assertThat(ended.getString("state")).isEqualTo("CANCELLED");
        uploads.expire(Instant.now().plusSeconds(1));
        assertThat(count("SELECT count(*) FROM input_uploads WHERE id = '" + named + "'")).isZero();
        assertInUse(member, 0);
    }

    private String quotaOf(String tenant, long uploadBytes) {
        String admin = EmbeddedPlatformResource.token(dataDir, "upload-admin", List.of(), "platform-admin");
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("concurrentJobs", 4, "cpuMillis", 4000, "memoryMiB", 8192,
                        "pids", 4096, "logBytes", 1 << 30, "jobsPerHour", 600, "uploadBytes", uploadBytes))
                .put("/api/v1/admin/tenants/" + tenant + "/quota").then().statusCode(200).body("uploadBytes", equalTo((int) uploadBytes));
        return tenant;
    }

    private String member(String tenant) {
        return EmbeddedPlatformResource.token(dataDir, "user-of-" + tenant, List.of(tenant), "tenant-member");
    }

    private static String upload(String member, byte[] tar, long bytes) {
        return given().auth().oauth2(member).contentType("application/x-tar").body(tar).post("/api/v1/inputs").then().statusCode(201)
                .body("bytes", equalTo((int) bytes)).extract().path("id");
    }

    private static void assertInUse(String member, long bytes) {
        JsonPath quota = given().auth().oauth2(member).get("/api/v1/quota").then().statusCode(200).extract().jsonPath();
        assertThat(quota.getLong("quota.uploadBytes")).isEqualTo(QUOTA);
        assertThat(quota.getLong("inUse.uploadBytes")).isEqualTo(bytes);
    }

    private static byte[] smallTar() throws IOException {
        return new Layer().file("data.csv", "a,b\n").bytes();
    }

    private static byte[] largeTar() throws IOException {
        byte[] tar = new Layer().file("data.bin", "x".repeat(20000)).bytes();
        assertThat(tar).hasSize((int) LARGE);
        return tar;
    }

    /** The body without a length, in chunks, as a streaming client sends it. */
    private static CompletableFuture<HttpResponse<String>> chunked(String token, InputStream body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/api/v1/inputs"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-tar")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((answer, failure) -> client.close());
    }

    private List<Path> spooled() throws IOException {
        Path spool = dataDir.resolve("uploads");
        if (!Files.exists(spool)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(spool)) {
            return files.toList();
        }
    }

    /** Upload rows and blobs together: a refused upload must leave neither. */
    private long stored() {
        return count("SELECT count(*) FROM input_uploads") + count("SELECT count(*) FROM data_blobs");
    }

    private long count(String sql) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(sql).getSingleResult()).longValue());
    }
}
