package dev.berth.api.jobs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.JobPolling;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /jobs/{id}?wait=}: the answer comes when the job is final, or when the wait ends with
 * the job as it is then; a wait that cannot be read or is too long is refused with 400.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class JobLongPollTest {

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;

    private String token(String tenant) {
        return new JobsApi(dataDir).token(tenant);
    }

    private static String submit(String token, String script) {
        return JobsApi.submitAs(token, JobsApi.shell(script));
    }

    private static JsonPath waitFor(String token, String id, String wait) {
        return given().auth().oauth2(token).queryParam("wait", wait).get("/api/v1/jobs/" + id)
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void itAnswersAsSoonAsTheJobIsFinal() {
        String token = token("long-poll-final");
        String id = submit(token, "sleep 1; exit 3");

        long start = System.nanoTime();
        JsonPath job = waitFor(token, id, "60s");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(job.getString("state")).isEqualTo("FAILED");
        assertThat(job.getInt("exitCode")).isEqualTo(3);
        assertThat(job.getList("history")).hasSize(1);
        // The job sleeps 1 s; the answer came with its end, not with the end of the 60 s wait.
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(1)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void itAnswersWhenTheWaitEndsWithTheJobAsItIsThen() throws Exception {
        String token = token("long-poll-running");
        String id = submit(token, "sleep 120");
        JobPolling.awaitState(token, id, Set.of("RUNNING"), Duration.ofSeconds(60));

        long start = System.nanoTime();
        JsonPath job = waitFor(token, id, "1500ms");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(job.getString("state")).isEqualTo("RUNNING");
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1500)).isLessThan(Duration.ofSeconds(15));
        given().auth().oauth2(token).post("/api/v1/jobs/" + id + "/cancel").then().statusCode(202);
        assertThat(waitFor(token, id, "60s").getString("state")).isEqualTo("CANCELLED");
    }

    @Test
    void aFinalJobAnswersAtOnceAndWithoutAWaitNothingWaits() throws Exception {
        String token = token("long-poll-done");
        String id = submit(token, "true");
        JobPolling.awaitFinal(token, id, Duration.ofSeconds(60));

        long start = System.nanoTime();
        assertThat(waitFor(token, id, "60s").getString("state")).isEqualTo("SUCCEEDED");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        given().auth().oauth2(token).get("/api/v1/jobs/" + id).then().statusCode(200).body("state", equalTo("SUCCEEDED"));
    }

    @Test
    void anotherTenantsJobIsMissingForAWaiterToo() {
        String id = submit(token("long-poll-owner"), "true");

        given().auth().oauth2(token("long-poll-other")).queryParam("wait", "30s").get("/api/v1/jobs/" + id)
                .then().statusCode(404);
        given().auth().oauth2(token("long-poll-other")).queryParam("wait", "30s").get("/api/v1/jobs/" + UUID.randomUUID())
                .then().statusCode(404);
    }

    @Test
    void aWaitThatCannotBeReadOrIsTooLongIsRefused() {
        String token = token("long-poll-bad");
        String id = submit(token, "true");

        for (String wait : List.of("soon", "30", "-1s", "1h", "30 s", "1.5s")) {
            given().auth().oauth2(token).queryParam("wait", wait).get("/api/v1/jobs/" + id)
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("type", equalTo("https://berth.dev/problems/invalid-parameter"))
                    .body("detail", containsString("wait"));
        }
        given().auth().oauth2(token).queryParam("wait", "61s").get("/api/v1/jobs/" + id)
                .then().statusCode(400).body("detail", containsString("at most 60s"));
    }
}
