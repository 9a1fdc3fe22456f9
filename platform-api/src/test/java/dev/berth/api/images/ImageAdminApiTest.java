package dev.berth.api.images;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.JobPolling;
import dev.berth.api.replica.ReplicaId;
import dev.berth.engine.image.OciLayout;
import dev.berth.engine.testing.TestImageBuilder;
import dev.berth.engine.testing.TestLayers;
import dev.berth.engine.testing.TestLayers.Layer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Platform admins pull images from a real registry and import archives over HTTP; tenants' jobs
 * name them by tag or digest, within their allow-lists, and the job records the digest that ran.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = RegistryResource.class, restrictToAnnotatedClass = true)
class ImageAdminApiTest {

    @TempDir
    Path temp;

    private static final Duration PULL_LIMIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;
    @Inject
    EntityManager em;
    @Inject
    ImagePullRecords records;
    @Inject
    ImagePulls pulls;
    @Inject
    ReplicaId replica;

    private String admin() {
        return EmbeddedPlatformResource.token(dataDir, "image-admin", List.of(), "platform-admin");
    }

    private String member(String tenant) {
        return EmbeddedPlatformResource.token(dataDir, "user-of-" + tenant, List.of(tenant), "tenant-member");
    }

    private String registry() {
        return RegistryResource.registry.host();
    }

    @Test
    void anAdminPullsAnImageAJobRunsItAndASecondPullTransfersNoLayer() throws Exception {
        TestImageBuilder builder = new TestImageBuilder(Files.createTempDirectory(temp, "build"));
        OciLayout.Descriptor manifest = builder.image("linux", "amd64", List.of(busybox(),
                new Layer().dir("etc").file("etc/greeting", "pulled over HTTP\n").bytes()));
        builder.tag("1.0", manifest, false);
        builder.push("1.0", registry() + "/team/app:1.0");

        String location = given().auth().oauth2(admin()).contentType(ContentType.JSON).body(Map.of("ref", registry() + "/team/app:1.0"))
                .post("/api/v1/admin/images").then().statusCode(202)
                .body("state", equalTo("PULLING")).body("reference", equalTo(registry() + "/team/app:1.0"))
                .extract().header("Location");
        JsonPath first = awaitPull(location);
        assertThat(first.getString("state")).as(first.prettify()).isEqualTo("READY");
        assertThat(first.getString("digest")).isEqualTo(manifest.digest());
        assertThat(first.getString("progress.phase")).isEqualTo("DONE");
        assertThat(first.getInt("layers")).isEqualTo(2);
        // Other tests may have pulled the busybox layer already: the store is shared, and that is the point.
        assertThat(first.getLong("transferredBytes")).isPositive().isLessThanOrEqualTo(first.getLong("sizeBytes"));
        List<Long> downloadsBefore = downloads(builder.layerDigests(manifest));

        given().auth().oauth2(admin()).contentType(ContentType.JSON).body(Map.of("policy", "ignored"))
                .post("/api/v1/admin/images").then().statusCode(400);
        given().auth().oauth2(admin()).contentType(ContentType.JSON).body(Map.of("ref", registry() + "/team/app:1.0"))
                .post("/api/v1/admin/images").then().statusCode(202);
        JsonPath second = awaitPull(location);
        assertThat(second.getString("digest")).isEqualTo(manifest.digest());
        assertThat(second.getLong("transferredBytes")).isZero();
        assertThat(downloads(builder.layerDigests(manifest))).as("layer downloads from the registry").isEqualTo(downloadsBefore);

        String tenant = member("pullers");
        String id = given().auth().oauth2(tenant).contentType(ContentType.JSON)
                .body(Map.of("image", registry() + "/team/app:1.0", "command", List.of("cat", "/etc/greeting")))
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
        JsonPath job = JobPolling.awaitFinal(tenant, id, Duration.ofSeconds(60));
        assertThat(job.getString("state")).as(job.prettify()).isEqualTo("SUCCEEDED");
        assertThat(job.getString("image.digest")).isEqualTo(manifest.digest());
        assertThat(given().auth().oauth2(tenant).get("/api/v1/jobs/" + id + "/logs").then().statusCode(200).extract().asString())
                .isEqualTo("pulled over HTTP\n");
        assertThat(actions()).contains("image.pull.request", "image.pull");
    }

    @Test
    void aTenantAllowListOfADigestAdmitsThatImageByDigestOnly() throws Exception {
        TestImageBuilder builder = new TestImageBuilder(Files.createTempDirectory(temp, "build"));
        OciLayout.Descriptor manifest = builder.image("linux", "amd64", List.of(busybox(), new Layer().file("pinned", "yes\n").bytes()));
        builder.tag("v1", manifest, false);
        builder.push("v1", registry() + "/team/pinned:v1");
        JsonPath pulled = awaitPull(given().auth().oauth2(admin()).contentType(ContentType.JSON)
                .body(Map.of("ref", registry() + "/team/pinned:v1")).post("/api/v1/admin/images").then().statusCode(202)
                .extract().header("Location"));
        given().auth().oauth2(admin()).contentType(ContentType.JSON).body(Map.of("allowedImages", List.of(pulled.getString("digest"))))
                .put("/api/v1/admin/tenants/pinners/policy").then().statusCode(200);
        String tenant = member("pinners");

        given().auth().oauth2(tenant).contentType(ContentType.JSON)
                .body(Map.of("image", registry() + "/team/pinned:v1", "command", List.of("true")))
                .post("/api/v1/jobs/dry-run").then().statusCode(422).body("violations[0].rule", equalTo("image.policy"));
        given().auth().oauth2(tenant).contentType(ContentType.JSON)
                .body(Map.of("image", registry() + "/team/pinned@" + manifest.digest(), "command", List.of("true")))
                .post("/api/v1/jobs/dry-run").then().statusCode(200)
                .body("image", equalTo(registry() + "/team/pinned@" + manifest.digest()));
    }

    @Test
    void rootFilesystemTarsAndOciArchivesAreImportedAndRun() throws Exception {
        byte[] rootfs = TestLayers.tarOf(Path.of("/var/lib/berth/images/busybox/rootfs"));
        String digest = given().auth().oauth2(admin()).contentType("application/x-tar").body(rootfs)
                .post("/api/v1/admin/images/import?name=imported&tag=v1").then().statusCode(201)
                .body("state", equalTo("READY")).body("source", equalTo("rootfs-tar")).extract().path("digest");

        TestImageBuilder builder = new TestImageBuilder(Files.createTempDirectory(temp, "build"));
        OciLayout.Descriptor manifest = builder.image("linux", "amd64", List.of(busybox(), new Layer().file("origin", "archive\n").bytes()));
        builder.tag("v1", manifest, false);
        Path archive = builder.archive("v1", Files.createTempDirectory(temp, "archive").resolve("image.tar"));
        given().auth().oauth2(admin()).contentType("application/vnd.oci.image.layout.v1+tar").body(Files.readAllBytes(archive))
                .post("/api/v1/admin/images/import?name=archived&tag=v1").then().statusCode(201)
                .body("digest", equalTo(manifest.digest())).body("source", equalTo("oci-archive"));

        String tenant = member("importers");
        String first = submit(tenant, "imported:v1", "echo from the tar");
        String second = submit(tenant, "archived:v1", "cat /origin");
        JsonPath one = JobPolling.awaitFinal(tenant, first, Duration.ofSeconds(60));
        JsonPath two = JobPolling.awaitFinal(tenant, second, Duration.ofSeconds(60));
        assertThat(one.getString("state")).as(one.prettify()).isEqualTo("SUCCEEDED");
        assertThat(one.getString("image.digest")).isEqualTo(digest);
        assertThat(two.getString("state")).as(two.prettify()).isEqualTo("SUCCEEDED");
        assertThat(actions()).contains("image.import");
    }

    @Test
    void badRequestsAndHostileImagesAreRefusedAndChangeNothing() throws Exception {
        List<String> before = references();
        given().auth().oauth2(admin()).contentType(ContentType.JSON).body(Map.of("ref", "Not A Ref"))
                .post("/api/v1/admin/images").then().statusCode(422).body("detail", containsString("not an image reference"));
        given().auth().oauth2(admin()).contentType("application/x-tar").body(new byte[] {1})
                .post("/api/v1/admin/images/import?tag=v1").then().statusCode(422).body("detail", containsString("name the image"));
        given().auth().oauth2(admin()).contentType("application/zip").body(new byte[] {1})
                .post("/api/v1/admin/images/import?name=zip").then().statusCode(415);
        byte[] hostile = new Layer().file("../../escape", "x").bytes();
        given().auth().oauth2(admin()).contentType("application/x-tar").body(hostile)
                .post("/api/v1/admin/images/import?name=hostile&tag=v1").then().statusCode(422)
                .body("detail", containsString("climbs with '..'"));
        given().auth().oauth2(member("tenant-x")).get("/api/v1/admin/images").then().statusCode(403);
        assertThat(references()).isEqualTo(before);

        JsonPath failed = awaitPull(given().auth().oauth2(admin()).contentType(ContentType.JSON)
                .body(Map.of("ref", registry() + "/team/missing:1")).post("/api/v1/admin/images").then().statusCode(202)
                .extract().header("Location"));
        assertThat(failed.getString("state")).isEqualTo("FAILED");
        assertThat(failed.getString("error")).contains("skopeo inspect failed");
        given().auth().oauth2(member("tenant-x")).contentType(ContentType.JSON)
                .body(Map.of("image", registry() + "/team/missing:1", "command", List.of("true")))
                .post("/api/v1/jobs").then().statusCode(422).body("violations[0].rule", equalTo("image.available"));
    }

    @Test
    void aDeletedImageCanNoLongerBeNamedAndItsContentIsCollected() throws Exception {
        byte[] rootfs = new Layer().dir("bin").file("bin/only-here", "x").bytes();
        JsonPath imported = given().auth().oauth2(admin()).contentType("application/x-tar").body(rootfs)
                .post("/api/v1/admin/images/import?name=doomed&tag=v1").then().statusCode(201).extract().jsonPath();
        Path tree = dataDir.resolve("images/rootfs").resolve(imported.getString("digest").substring(7));
        assertThat(tree).isDirectory();

        given().auth().oauth2(admin()).delete("/api/v1/admin/images/" + imported.getString("id")).then().statusCode(204);

        given().auth().oauth2(admin()).get("/api/v1/admin/images/" + imported.getString("id")).then().statusCode(404);
        given().auth().oauth2(member("tenant-y")).contentType(ContentType.JSON).body(Map.of("image", "doomed:v1", "command", List.of("true")))
                .post("/api/v1/jobs").then().statusCode(422).body("violations[0].rule", equalTo("image.available"));
        Instant deadline = Instant.now().plusSeconds(20);
        while (Files.exists(tree) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(tree).as("collected after the delete").doesNotExist();
        assertThat(actions()).contains("image.delete");
        String busybox = given().auth().oauth2(admin()).get("/api/v1/admin/images").then().statusCode(200).extract().jsonPath()
                .param("name", "busybox").getString("find { it.name == name }.id");
        given().auth().oauth2(admin()).delete("/api/v1/admin/images/" + busybox).then().statusCode(409);
    }

    @Test
    void aPullThisReplicaHadStartedWhenItWasKilledIsTakenUpAtTheNextStart() throws Exception {
        TestImageBuilder builder = new TestImageBuilder(Files.createTempDirectory(temp, "build"));
        OciLayout.Descriptor manifest = builder.image("linux", "amd64", List.of(busybox()));
        builder.tag("1", manifest, false);
        builder.push("1", registry() + "/team/interrupted:1");
        ImageEntry interrupted = new ImageEntry();
        interrupted.id = UUID.randomUUID();
        interrupted.name = registry() + "/team/interrupted";
        interrupted.tag = "1";
        interrupted.source = registry() + "/team/interrupted:1";
        interrupted.state = ImageState.PULLING;
        interrupted.phase = "COPYING";
        interrupted.replica = replica.get();
        interrupted.requestedBy = "image-admin";
        interrupted.createdAt = Instant.now();
        interrupted.updatedAt = Instant.now();
        QuarkusTransaction.requiringNew().run(() -> em.persist(interrupted));

        assertThat(records.releaseUnfinished(replica.get())).isEqualTo(1);
        pulls.wake(false);

        JsonPath resumed = awaitPull("/api/v1/admin/images/" + interrupted.id);
        assertThat(resumed.getString("state")).as(resumed.prettify()).isEqualTo("READY");
        assertThat(resumed.getString("digest")).isEqualTo(manifest.digest());
    }

    private String submit(String token, String image, String script) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("image", image, "command", List.of("sh", "-c", script)))
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
    }

    private JsonPath awaitPull(String location) throws InterruptedException {
        Instant deadline = Instant.now().plus(PULL_LIMIT);
        while (true) {
            JsonPath image = given().auth().oauth2(admin()).get(location).then().statusCode(200).extract().jsonPath();
            if (!image.getString("state").equals("PULLING") || Instant.now().isAfter(deadline)) {
                return image;
            }
            Thread.sleep(100);
        }
    }

    private static List<Long> downloads(List<String> layers) throws IOException {
        List<Long> counts = new ArrayList<>();
        for (String layer : layers) {
            counts.add(RegistryResource.registry.blobDownloads("team/app", layer));
        }
        return counts;
    }

    private List<String> references() {
        return given().auth().oauth2(admin()).get("/api/v1/admin/images").then().statusCode(200).extract().jsonPath().getList("reference");
    }

    private List<String> actions() {
        String auditor = EmbeddedPlatformResource.token(dataDir, "auditor", List.of(), "auditor");
        return given().auth().oauth2(auditor).queryParam("limit", 500).get("/api/v1/audit").then().statusCode(200)
                .extract().jsonPath().getList("items.action");
    }

    private static byte[] busybox() throws Exception {
        return TestLayers.tarOf(Path.of("/var/lib/berth/images/busybox/rootfs"));
    }
}
