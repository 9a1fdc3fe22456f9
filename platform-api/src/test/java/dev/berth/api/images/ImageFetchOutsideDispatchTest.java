package dev.berth.api.images;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.JobPolling;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A replica fetching a large tenant image from the registry keeps dispatching: the fetch runs on
 * its own thread while jobs on images the replica holds start and end, claimers of the same digest
 * share the one fetch, a job cancelled while it waits for its image ends at once, and a fetch that
 * fails ends its attempt with the registry's reason. The registry and skopeo are the real ones;
 * {@link GatedSkopeoResource} only holds skopeo back so the fetch is under way for as long as the
 * test looks.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GatedSkopeoResource.class, restrictToAnnotatedClass = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageFetchOutsideDispatchTest {

    private static final Duration LIMIT = Duration.ofSeconds(180);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, Object> SMALL = Map.of("cpuMillis", 250, "memoryMiB", 256);

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;
    @ConfigProperty(name = "berth.registry.host")
    String registry;

    private String token;

    @BeforeAll
    void pushTheToolbox() throws Exception {
        token = EmbeddedPlatformResource.token(dataDir, "acme-dev", List.of("acme"), "tenant-member");
        Path tarball = DebianRootfs.tarball(Files.createTempDirectory("berth-toolbox"), DebianRootfs.TOOLBOX);
        assertThat(Files.size(tarball)).as("a large image, over 100 MB compressed").isGreaterThan(100L << 20);
        RegistryClients.Result push = push(tarball, "acme/toolbox:1");
        assertThat(push.ok()).as(push.output()).isTrue();
    }

    /** Room for every job of a test at once (RestAssured knows the platform's port from here on, not in @BeforeAll). */
    @BeforeEach
    void roomForTheJobs() {
        String admin = EmbeddedPlatformResource.token(dataDir, "fetch-admin", List.of(), "platform-admin");
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("concurrentJobs", 8, "cpuMillis", 4000, "memoryMiB", 8192, "pids", 8192, "logBytes", 1 << 30, "jobsPerHour", 600))
                .put("/api/v1/admin/tenants/acme/quota").then().statusCode(200);
    }

    @AfterEach
    void openTheGate() throws Exception {
        GatedSkopeoResource.open();
    }

    @Test
    void jobsOnPresentImagesStartWhileALargeImageIsFetchedAndItsClaimersShareTheFetch() throws Exception {
        int before = GatedSkopeoResource.calls().size();
        GatedSkopeoResource.close();
        String fetching = submit("toolbox:1", "python3", "-c", "print('first')");
        String sharing = submit("toolbox:1", "python3", "-c", "print('second')");
        awaitState(fetching, "STARTING");
        awaitState(sharing, "STARTING");
        awaitSkopeoCalled(before);

        String present = submit("busybox", "echo", "present");
        JsonPath ran = JobPolling.awaitFinal(token, present, LIMIT);

        assertThat(ran.getString("state")).as(ran.prettify()).isEqualTo("SUCCEEDED");
        assertThat(state(fetching)).as("the toolbox is still being fetched: the busybox job did not wait for it").isEqualTo("STARTING");
        assertThat(state(sharing)).isEqualTo("STARTING");

        GatedSkopeoResource.open();
        JsonPath first = JobPolling.awaitFinal(token, fetching, LIMIT);
        JsonPath second = JobPolling.awaitFinal(token, sharing, LIMIT);
        assertThat(first.getString("state")).as(first.prettify()).isEqualTo("SUCCEEDED");
        assertThat(second.getString("state")).as(second.prettify()).isEqualTo("SUCCEEDED");
        assertThat(logs(fetching)).isEqualTo("first\n");
        assertThat(logs(sharing)).isEqualTo("second\n");
        assertThat(Instant.parse(ran.getString("finishedAt"))).as("the busybox job ended before either toolbox job started")
                .isBefore(Instant.parse(first.getString("startedAt"))).isBefore(Instant.parse(second.getString("startedAt")));
        assertThat(GatedSkopeoResource.calls().subList(before, GatedSkopeoResource.calls().size()).stream().filter("copy"::equals)).as("one copy for both claimers of the digest").hasSize(1);
        assertThat(auditReasons("image.fetch")).filteredOn(reason -> reason.contains(first.getString("image.digest")))
                .as("one fetch recorded for the digest").hasSize(1);
    }

    @Test
    void aJobCancelledWhileItsImageIsFetchedEndsAtOnceAndAFailedFetchEndsItsAttemptWithTheCause() throws Exception {
        Path broken = Files.createTempDirectory("berth-broken-image");
        Files.writeString(Files.createDirectories(broken.resolve("rootfs")).resolve("hello"), "hello\n");
        assertThat(RegistryClients.run(List.of("tar", "-C", broken.resolve("rootfs").toString(), "-czf", broken.resolve("rootfs.tar.gz").toString(), "."))
                .ok()).isTrue();
        RegistryClients.Result push = push(broken.resolve("rootfs.tar.gz"), "acme/broken:1");
        assertThat(push.ok()).as(push.output()).isTrue();
        int before = GatedSkopeoResource.calls().size();
        GatedSkopeoResource.close();
        String cancelled = submit("broken:1", "cat", "/hello");
        String failing = submit("broken:1", "cat", "/hello");
        awaitState(cancelled, "STARTING");
        awaitState(failing, "STARTING");
        awaitSkopeoCalled(before);

        given().auth().oauth2(token).post("/api/v1/jobs/" + cancelled + "/cancel").then().statusCode(202);
        JsonPath ended = JobPolling.awaitFinal(token, cancelled, Duration.ofSeconds(30));

        assertThat(ended.getString("state")).as(ended.prettify()).isEqualTo("CANCELLED");
        assertThat(ended.getString("reason")).isEqualTo("Cancelled");
        assertThat(ended.getString("startedAt")).as("it never started").isNull();
        assertThat(state(failing)).as("the fetch is still held back").isEqualTo("STARTING");

        // The registry loses the layer while the fetch waits: skopeo's copy will fail on the real registry's answer.
        String layer = layerOf("acme/broken:1");
        Path blob = dataDir.resolve("registry/storage/docker/registry/v2/blobs/sha256").resolve(layer.substring(7, 9)).resolve(layer.substring(7));
        assertThat(blob.resolve("data")).isRegularFile();
        Files.delete(blob.resolve("data"));
        GatedSkopeoResource.open();
        JsonPath failed = JobPolling.awaitFinal(token, failing, LIMIT);

        assertThat(failed.getString("state")).as(failed.prettify()).isEqualTo("FAILED");
        assertThat(failed.getString("reason")).isEqualTo("EngineError");
        assertThat(failed.getString("detail")).as("names the image and the cause")
                .contains("could not fetch", "broken", "skopeo copy failed");
    }

    private String submit(String image, String... command) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("image", image, "command", List.of(command), "resources", SMALL))
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
    }

    private void awaitState(String id, String state) throws InterruptedException {
        JobPolling.awaitState(token, id, Set.of(state), LIMIT);
    }

    /** The fetch is under way: the platform started skopeo, which waits at the gate. */
    private static void awaitSkopeoCalled(int callsBefore) throws Exception {
        Instant deadline = Instant.now().plus(LIMIT);
        while (GatedSkopeoResource.calls().size() == callsBefore) {
            assertThat(Instant.now()).as("the platform started no skopeo for the fetch").isBefore(deadline);
            Thread.sleep(50);
        }
    }

    private String state(String id) {
        return given().auth().oauth2(token).get("/api/v1/jobs/" + id).then().statusCode(200).extract().path("state");
    }

    private String logs(String id) {
        return given().auth().oauth2(token).queryParam("stream", "stdout").get("/api/v1/jobs/" + id + "/logs").then().statusCode(200)
                .extract().asString();
    }

    private RegistryClients.Result push(Path tarball, String repository) throws Exception {
        return RegistryClients.skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "acme:" + token,
                "tarball:" + tarball, "docker://" + registry + "/" + repository);
    }

    private String layerOf(String repository) throws Exception {
        RegistryClients.Result manifest = RegistryClients.skopeo("inspect", "--raw", "--tls-verify=false", "--creds", "acme:" + token,
                "docker://" + registry + "/" + repository);
        assertThat(manifest.ok()).as(manifest.output()).isTrue();
        return MAPPER.readTree(manifest.output()).path("layers").get(0).path("digest").asText();
    }

    private List<String> auditReasons(String action) {
        String auditor = EmbeddedPlatformResource.token(dataDir, "auditor", List.of(), "auditor");
        List<Map<String, Object>> items = given().auth().oauth2(auditor).queryParam("limit", 500).get("/api/v1/audit").then().statusCode(200)
                .extract().jsonPath().getList("items");
        return items.stream().filter(item -> action.equals(item.get("action"))).map(item -> String.valueOf(item.get("reason"))).toList();
    }
}
