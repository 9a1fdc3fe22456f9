package dev.berth.api.jobs;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.JobPolling;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The tenant API as the job tests call it. */
final class JobsApi {

    private final Path dataDir;

    JobsApi(Path dataDir) {
        this.dataDir = dataDir;
    }

    String token(String tenant) {
        return EmbeddedPlatformResource.token(dataDir, "user-of-" + tenant, List.of(tenant), "tenant-member");
    }

    String submit(String tenant, Map<String, Object> request) {
        return submitAs(token(tenant), request);
    }

    /** Submits with a token the caller already holds, and answers the new job's id. */
    static String submitAs(String token, Map<String, Object> request) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(request)
                .when().post("/api/v1/jobs")
                .then().statusCode(201).body("state", equalTo("QUEUED")).extract().path("id");
    }

    JsonPath get(String tenant, String id) {
        return given().auth().oauth2(token(tenant)).get("/api/v1/jobs/" + id).then().statusCode(200).extract().jsonPath();
    }

    JsonPath awaitFinal(String tenant, String id) throws InterruptedException {
        return JobPolling.awaitFinal(token(tenant), id, Duration.ofSeconds(90));
    }

    JsonPath awaitState(String tenant, String id, Set<String> states, Duration limit) throws InterruptedException {
        return JobPolling.awaitState(token(tenant), id, states, limit);
    }

    void setQuota(String tenant, int concurrentJobs, int cpuMillis, long logBytes) {
        String admin = EmbeddedPlatformResource.token(dataDir, "admin", List.of("platform"), "platform-admin");
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("concurrentJobs", concurrentJobs, "cpuMillis", cpuMillis, "memoryMiB", 8192, "pids", 4096,
                        "logBytes", logBytes, "jobsPerHour", 600))
                .when().put("/api/v1/admin/tenants/" + tenant + "/quota")
                .then().statusCode(200);
    }

    static Map<String, Object> shell(String script) {
        return Map.of("image", "busybox", "command", List.of("sh", "-c", script));
    }
}
