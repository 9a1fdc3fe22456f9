package dev.berth.api.dispatch;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.berth.api.EmbeddedPlatformResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A replica with {@code berth.dispatch.max-concurrent=0} (the API pods on Kubernetes) accepts and
 * queues jobs and is ready without any OCI runtime: here the configured runtime does not even
 * exist, so touching the engine would fail the readiness check or the submission.
 */
@QuarkusTest
@TestProfile(ApiOnlyReplicaTest.ApiOnly.class)
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class ApiOnlyReplicaTest {

    public static class ApiOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("berth.dispatch.max-concurrent", "0", "berth.engine.runtime", "/nonexistent/crun");
        }
    }

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;

    @Test
    void itIsReadyAndQueuesJobsForEngineReplicasWithoutARuntime() throws Exception {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));

        String token = EmbeddedPlatformResource.token(dataDir, "alice", List.of("api-only"), "tenant-member");
        String id = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("image", "busybox", "command", List.of("true")))
                .post("/api/v1/jobs").then().statusCode(201).body("state", equalTo("QUEUED")).extract().path("id");
        Thread.sleep(3000);

        assertThat(given().auth().oauth2(token).get("/api/v1/jobs/" + id).then().statusCode(200).extract().<String>path("state"))
                .as("nobody runs jobs on this replica").isEqualTo("QUEUED");
    }
}
