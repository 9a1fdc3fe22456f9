package dev.berth.api.images;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.JobPolling;
import dev.berth.engine.image.FileTrees;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A replica fetching a large tenant image from the registry keeps dispatching: the fetch runs on
 * its own thread while jobs on images the replica holds start and end, claimers of the same digest
 * share the one fetch, a job cancelled while it waits for its image ends at once, and a fetch that
 * fails ends its attempt with the registry's reason and leaves no image. The registry is the real
 * one; {@link GatedRegistryResource} only holds its blob downloads back so the fetch is under way
 * for as long as the test looks.
 */
@QuarkusTest
@QuarkusTestResource(value = GatedRegistryResource.class, restrictToAnnotatedClass = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageFetchOutsideDispatchTest {

    private static final Duration LIMIT = Duration.ofSeconds(180);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, Object> SMALL = Map.of("cpuMillis", 250, "memoryMiB", 256);

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;
    private String token;
    private Path work;

    @BeforeAll
    void pushTheToolbox() throws Exception {
        token = EmbeddedPlatformResource.token(dataDir, "acme-dev", List.of("acme"), "tenant-member");
        work = Files.createTempDirectory("berth-fetch-test");
        Path tarball = DebianRootfs.tarball(Files.createDirectories(work.resolve("toolbox")), DebianRootfs.TOOLBOX);
        assertThat(Files.size(tarball)).as("a large image, over 100 MB compressed").isGreaterThan(100L << 20);
        RegistryClients.Result push = push(tarball, "acme/toolbox:1");
        assertThat(push.ok()).as(push.output()).isTrue();
    }

    @AfterAll
    void removeTheImages() throws Exception {
        FileTrees.remove(work);
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
        GatedRegistryResource.open();
    }

    @Test
    void jobsOnPresentImagesStartWhileALargeImageIsFetchedAndItsClaimersShareTheFetch() throws Exception {
        int before = GatedRegistryResource.blobRequests().size();
        GatedRegistryResource.close();
        String fetching = submit("toolbox:1", "python3", "-c", "print('first')");
        String sharing = submit("toolbox:1", "python3", "-c", "print('second')");
        awaitState(fetching, "STARTING");
        awaitState(sharing, "STARTING");
        awaitBlobRequested(before);

        String present = submit("busybox", "echo", "present");
        JsonPath ran = JobPolling.awaitFinal(token, present, LIMIT);

        assertThat(ran.getString("state")).as(ran.prettify()).isEqualTo("SUCCEEDED");
        assertThat(state(fetching)).as("the toolbox is still being fetched: the busybox job did not wait for it").isEqualTo("STARTING");
        assertThat(state(sharing)).isEqualTo("STARTING");

        GatedRegistryResource.open();
        JsonPath first = JobPolling.awaitFinal(token, fetching, LIMIT);
        JsonPath second = JobPolling.awaitFinal(token, sharing, LIMIT);
        assertThat(first.getString("state")).as(first.prettify()).isEqualTo("SUCCEEDED");
        assertThat(second.getString("state")).as(second.prettify()).isEqualTo("SUCCEEDED");
        assertThat(logs(fetching)).isEqualTo("first\n");
        assertThat(logs(sharing)).isEqualTo("second\n");
        assertThat(Instant.parse(ran.getString("finishedAt"))).as("the busybox job ended before either toolbox job started")
                .isBefore(Instant.parse(first.getString("startedAt"))).isBefore(Instant.parse(second.getString("startedAt")));
        List<String> downloads = GatedRegistryResource.blobRequests().subList(before, GatedRegistryResource.blobRequests().size());
        assertThat(downloads).as("one download of each blob for both claimers of the digest")
                .contains("/v2/acme/toolbox/blobs/" + layerOf("acme/toolbox:1")).doesNotHaveDuplicates().hasSize(2);
        assertThat(auditReasons("image.fetch")).filteredOn(reason -> reason.contains(first.getString("image.digest")))
                .as("one fetch recorded for the digest").hasSize(1);
    }

    @Test
    void aJobCancelledWhileItsImageIsFetchedEndsAtOnceAndAFailedFetchEndsItsAttemptWithTheCause() throws Exception {
        Path broken = Files.createDirectories(work.resolve("broken-image"));
        Files.writeString(Files.createDirectories(broken.resolve("rootfs")).resolve("hello"), "hello\n");
        assertThat(RegistryClients.run(List.of("tar", "-C", broken.resolve("rootfs").toString(), "-czf", broken.resolve("rootfs.tar.gz").toString(), "."))
                .ok()).isTrue();
        RegistryClients.Result push = push(broken.resolve("rootfs.tar.gz"), "acme/broken:1");
        assertThat(push.ok()).as(push.output()).isTrue();
        int before = GatedRegistryResource.blobRequests().size();
        GatedRegistryResource.close();
        String cancelled = submit("broken:1", "cat", "/hello");
        String failing = submit("broken:1", "cat", "/hello");
        awaitState(cancelled, "STARTING");
        awaitState(failing, "STARTING");
        awaitBlobRequested(before);

        given().auth().oauth2(token).post("/api/v1/jobs/" + cancelled + "/cancel").then().statusCode(202);
        JsonPath ended = JobPolling.awaitFinal(token, cancelled, Duration.ofSeconds(30));

        assertThat(ended.getString("state")).as(ended.prettify()).isEqualTo("CANCELLED");
        assertThat(ended.getString("reason")).isEqualTo("Cancelled");
        assertThat(ended.getString("startedAt")).as("it never started").isNull();
        assertThat(state(failing)).as("the fetch is still held back").isEqualTo("STARTING");

        // The registry's storage is tampered with while the fetch waits: it will serve a layer that does not match its digest.
        String layer = layerOf("acme/broken:1");
        Path blob = dataDir.resolve("registry/storage/docker/registry/v2/blobs/sha256").resolve(layer.substring(7, 9)).resolve(layer.substring(7));
        assertThat(blob.resolve("data")).isRegularFile();
        Path tampered = broken.resolve("tampered");
        Files.writeString(Files.createDirectories(tampered).resolve("hello"), "tampered\n");
        assertThat(RegistryClients.run(List.of("tar", "-C", tampered.toString(), "-czf", blob.resolve("data").toString(), ".")).ok()).isTrue();
        GatedRegistryResource.open();
        JsonPath failed = JobPolling.awaitFinal(token, failing, LIMIT);

        assertThat(failed.getString("state")).as(failed.prettify()).isEqualTo("FAILED");
        assertThat(failed.getString("reason")).isEqualTo("EngineError");
        assertThat(failed.getString("detail")).as("names the image and the cause")
                .contains("could not fetch", "broken", "corrupted or tampered with");
        String digest = failed.getString("image.digest");
        Path store = dataDir.resolve("images");
        assertThat(names(store.resolve("rootfs"))).as("no tree of the image, finished or half-unpacked")
                .noneMatch(name -> name.contains(digest.substring(7)) || name.startsWith(".unpacking-"));
        assertThat(names(store.resolve("oci/blobs/sha256"))).as("the layer was not kept, nor any part of it")
                .doesNotContain(layer.substring(7)).noneMatch(name -> name.startsWith(".incoming-"));
        JsonPath again = JobPolling.awaitFinal(token, submit("broken:1", "cat", "/hello"), LIMIT);
        assertThat(again.getString("detail")).as("a later job on the image fetches it again and fails the same way")
                .contains("corrupted or tampered with");
    }

    private static List<String> names(Path dir) throws Exception {
        try (var entries = Files.list(dir)) {
            return entries.map(entry -> entry.getFileName().toString()).toList();
        }
    }

    private String submit(String image, String... command) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("image", image, "command", List.of(command), "resources", SMALL))
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
    }

    private void awaitState(String id, String state) throws InterruptedException {
        JobPolling.awaitState(token, id, Set.of(state), LIMIT);
    }

    /** The fetch is under way: the platform asked the registry for a blob, which waits at the gate. */
    private static void awaitBlobRequested(int requestsBefore) throws Exception {
        Instant deadline = Instant.now().plus(LIMIT);
        while (GatedRegistryResource.blobRequests().size() == requestsBefore) {
            assertThat(Instant.now()).as("the platform asked the registry for no blob").isBefore(deadline);
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
                "tarball:" + tarball, "docker://" + GatedRegistryResource.registry() + "/" + repository);
    }

    private String layerOf(String repository) throws Exception {
        RegistryClients.Result manifest = RegistryClients.skopeo("inspect", "--raw", "--tls-verify=false", "--creds", "acme:" + token,
                "docker://" + GatedRegistryResource.registry() + "/" + repository);
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
