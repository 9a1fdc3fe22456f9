package dev.berth.api.artifacts;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.JobPolling;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A tenant's artifacts count against its own artifactBytes quota, apart from its logs: one attempt
 * stores no more than the quota (what does not fit is named in the notes), the oldest jobs'
 * artifacts go once the tenant passes it, newest kept, and GET /quota shows what is stored.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class ArtifactQuotaTest {

    private static final String TENANT = "artifact-quota";

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;
    @Inject
    ArtifactRetention retention;

    @Test
    void artifactsStayWithinTheirOwnQuotaNewestKept() throws Exception {
        String admin = EmbeddedPlatformResource.token(dataDir, "quota-admin", List.of(), "platform-admin");
        String member = EmbeddedPlatformResource.token(dataDir, "quota-member", List.of(TENANT), "tenant-member");
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("concurrentJobs", 4, "cpuMillis", 4000, "memoryMiB", 8192,
                        "pids", 4096, "logBytes", 1 << 30, "jobsPerHour", 600, "artifactBytes", 50))
                .put("/api/v1/admin/tenants/" + TENANT + "/quota").then().statusCode(200).body("artifactBytes", equalTo(50));

        // Two files of 30 bytes: whichever comes second in the collection would pass the quota of 50 and is left out.
        String both = run(member, "printf '%030d' 1 > /tmp/out/a.txt; printf '%030d' 2 > /tmp/out/b.txt");
        JsonPath listing = given().auth().oauth2(member).get("/api/v1/jobs/" + both + "/artifacts").then().statusCode(200)
                .extract().jsonPath();
        List<String> stored = listing.getList("artifacts.name", String.class);
        assertThat(stored).hasSize(1).isSubsetOf("tmp/out/a.txt", "tmp/out/b.txt");
        String leftOut = stored.getFirst().equals("tmp/out/a.txt") ? "tmp/out/b.txt" : "tmp/out/a.txt";
        assertThat(listing.getList("notes", String.class)).anyMatch(note -> note.contains(leftOut + " (30 bytes) would pass the tenant's"
                + " artifactBytes quota of 50 bytes: not stored"));
        assertThat(given().auth().oauth2(member).get("/api/v1/quota").then().statusCode(200).extract().jsonPath()
                .getLong("inUse.artifactBytes")).isEqualTo(30);

        // A newer job's 30 bytes take the tenant to 60: the older job's artifacts go, the newer stay.
        String newer = run(member, "printf '%030d' 3 > /tmp/out/c.txt");
        assertThat(retention.sweep()).isGreaterThanOrEqualTo(1);
        given().auth().oauth2(member).get("/api/v1/jobs/" + both + "/artifacts").then().statusCode(410)
                .body("type", equalTo("https://berth.dev/problems/artifacts-expired"));
        given().auth().oauth2(member).get("/api/v1/jobs/" + newer + "/artifacts/tmp/out/c.txt").then().statusCode(200)
                .body(equalTo("0".repeat(29) + "3"));
        JsonPath quota = given().auth().oauth2(member).get("/api/v1/quota").then().statusCode(200).extract().jsonPath();
        assertThat(quota.getLong("quota.artifactBytes")).isEqualTo(50);
        assertThat(quota.getLong("inUse.artifactBytes")).isEqualTo(30);
    }

    private static String run(String token, String script) throws InterruptedException {
        String id = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("image", "busybox", "command", List.of("sh", "-c", "mkdir /tmp/out; " + script),
                        "artifacts", Map.of("paths", List.of("/tmp/out"))))
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
        JsonPath job = JobPolling.awaitFinal(token, id, Duration.ofSeconds(90));
        assertThat(job.getString("state")).as(job.prettify()).isEqualTo("SUCCEEDED");
        return id;
    }
}
