package dev.berth.api.jobs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.JobPolling;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A job travels the whole way: submitted over HTTP, admitted, committed to PostgreSQL, run as a
 * rootless container in the tenant's own host ID range, and its result and logs read back.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class JobSubmissionTest {

    private static final String PROBE = "echo hello; id -u; cat /proc/self/uid_map";

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;

    @Inject
    EntityManager em;

    private String token(String tenant) {
        return new JobsApi(dataDir).token(tenant);
    }

    private static String submit(String token, Map<String, Object> request) {
        return JobsApi.submitAs(token, request);
    }

    private static long[] tenantMapping(JsonPath job) {
        return new long[] {job.getLong("effectiveSecurity.uidMappings[1].hostId"), job.getLong("effectiveSecurity.uidMappings[1].size")};
    }

    @Test
    void aJobRunsInItsTenantsRangeAndItsLogsComeBack() throws Exception {
        String acme = token("acme");
        String id = submit(acme, Map.of("image", "busybox", "command", List.of("sh", "-c", PROBE)));

        JsonPath job = JobPolling.awaitFinal(acme, id, Duration.ofSeconds(60));
        assertThat(job.getString("state")).as(job.prettify()).isEqualTo("SUCCEEDED");
        assertThat(job.getInt("exitCode")).isZero();
        assertThat(job.getString("image.digest")).startsWith("sha256:");
        assertThat(job.getBoolean("effectiveSecurity.noNewPrivileges")).isTrue();
        assertThat(job.getList("effectiveSecurity.capabilities")).isEmpty();

        String stdout = given().auth().oauth2(acme).queryParam("stream", "stdout")
                .get("/api/v1/jobs/" + id + "/logs").then().statusCode(200).extract().asString();
        List<String> lines = stdout.lines().map(String::strip).toList();
        assertThat(lines.get(0)).isEqualTo("hello");
        assertThat(lines.get(1)).isEqualTo("1000");
        // The job's own view of its uid map: container 1-65535 land in acme's range, nothing maps to host root.
        long[] range = tenantMapping(job);
        assertThat(lines.get(3).split("\\s+")).containsExactly("1", Long.toString(range[0]), "65535");
        assertThat(lines.subList(2, 4)).noneMatch(line -> line.split("\\s+")[1].equals("0"));
        long tenantStart = tenantRangeStart("acme");
        assertThat(range[0]).isEqualTo(tenantStart + 1);
    }

    @Test
    void twoTenantsLandInDisjointHostRanges() throws Exception {
        String acme = token("acme");
        String globex = token("globex");
        JsonPath first = JobPolling.awaitFinal(acme, submit(acme, Map.of("image", "busybox", "command", List.of("true"))), Duration.ofSeconds(60));
        JsonPath second = JobPolling.awaitFinal(globex, submit(globex, Map.of("image", "busybox", "command", List.of("true"))), Duration.ofSeconds(60));

        long[] a = tenantMapping(first);
        long[] b = tenantMapping(second);
        assertThat(a[0] + a[1] <= b[0] || b[0] + b[1] <= a[0]).as("ranges %s and %s", a[0], b[0]).isTrue();
    }

    @Test
    void anotherTenantsJobIsIndistinguishableFromAMissingOne() throws Exception {
        String id = submit(token("acme"), Map.of("image", "busybox", "command", List.of("true")));

        given().auth().oauth2(token("globex")).get("/api/v1/jobs/" + id)
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(token("globex")).get("/api/v1/jobs/" + id + "/logs")
                .then().statusCode(404);
        given().auth().oauth2(token("globex")).get("/api/v1/jobs/00000000-0000-0000-0000-000000000000")
                .then().statusCode(404);
    }

    @Test
    void rootInsideIsRefusedAndNothingIsStored() {
        long before = jobCount();
        given().auth().oauth2(token("acme")).contentType(ContentType.JSON)
                .body(Map.of("image", "busybox", "command", List.of("id"), "user", 0))
                .when().post("/api/v1/jobs")
                .then().statusCode(422).contentType("application/problem+json")
                .body("violations.rule", hasItem("user.non-root"))
                .body("violations.field", hasItem("user"));
        assertThat(jobCount()).isEqualTo(before);
    }

    @Test
    void badInputGetsAProblemResponse() {
        given().auth().oauth2(token("acme")).contentType(ContentType.JSON).body("{\"image\": ")
                .when().post("/api/v1/jobs")
                .then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(token("acme")).contentType(ContentType.JSON)
                .body(Map.of("image", "no-such-image", "command", List.of("true")))
                .when().post("/api/v1/jobs")
                .then().statusCode(422).body("violations.rule", hasItem("image.available"));
        given().auth().oauth2(token("acme")).get("/api/v1/jobs/not-a-uuid").then().statusCode(404);
    }

    @Test
    void tokensDecideWhoMayCall() {
        given().contentType(ContentType.JSON).body(Map.of("image", "busybox", "command", List.of("true")))
                .when().post("/api/v1/jobs").then().statusCode(401);
        String twoOrganizations = EmbeddedPlatformResource.token(dataDir, "u", List.of("acme", "globex"), "tenant-member");
        given().auth().oauth2(twoOrganizations).contentType(ContentType.JSON)
                .body(Map.of("image", "busybox", "command", List.of("true")))
                .when().post("/api/v1/jobs").then().statusCode(403).contentType("application/problem+json");
        String auditor = EmbeddedPlatformResource.token(dataDir, "a", List.of("acme"), "auditor");
        given().auth().oauth2(auditor).contentType(ContentType.JSON)
                .body(Map.of("image", "busybox", "command", List.of("true")))
                .when().post("/api/v1/jobs").then().statusCode(403);
    }

    private long jobCount() {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery("select count(j) from Job j", Long.class).getSingleResult());
    }

    private long tenantRangeStart(String tenant) {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery("select t.idRangeStart from Tenant t where t.id = :id", Long.class)
                .setParameter("id", tenant).getSingleResult());
    }
}
