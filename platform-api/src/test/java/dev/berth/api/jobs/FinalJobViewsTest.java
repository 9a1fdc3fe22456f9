package dev.berth.api.jobs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.EmbeddedPlatformResource;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.restassured.http.ContentType;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Final jobs' views are kept in memory: read from the database until the job is final, then
 * answered from memory with exactly the same JSON, to its own tenant only. What makes that safe is
 * the database's rule that a final job and its attempts never change but for the log retention
 * mark; the rule is shown here too.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class FinalJobViewsTest {

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;
    @Inject
    MeterRegistry registry;
    @Inject
    AgroalDataSource dataSource;

    private double hits() {
        return registry.counter("berth.jobs.final.view.cache.hits").count();
    }

    private static String body(String token, String id) {
        return given().auth().oauth2(token).get("/api/v1/jobs/" + id).then().statusCode(200).contentType(ContentType.JSON).extract().asString();
    }

    private int update(String sql, String id) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, UUID.fromString(id));
            return statement.executeUpdate();
        }
    }

    @Test
    void aFinalJobIsAnsweredFromMemoryWithTheSameJsonAsFromTheDatabase() throws Exception {
        JobsApi api = new JobsApi(dataDir);
        String token = api.token("final-views");
        String id = JobsApi.submitAs(token, JobsApi.shell("echo done; exit 4"));
        api.awaitFinal("final-views", id);
        double before = hits();

        String first = body(token, id);
        String second = body(token, id);
        String third = given().auth().oauth2(token).queryParam("wait", "30s").get("/api/v1/jobs/" + id)
                .then().statusCode(200).extract().asString();

        assertThat(hits()).as("every read after the first final one came from memory").isGreaterThanOrEqualTo(before + 2);
        assertThat(second).isEqualTo(first).contains("\"state\":\"FAILED\"", "\"exitCode\":4", "\"history\":[");
        assertThat(third).isEqualTo(first);
    }

    @Test
    void aKeptJobIsNotFoundByAnotherTenant() throws Exception {
        JobsApi api = new JobsApi(dataDir);
        String owner = api.token("final-views-owner");
        String id = JobsApi.submitAs(owner, JobsApi.shell("true"));
        api.awaitFinal("final-views-owner", id);
        body(owner, id);
        double before = hits();
        body(owner, id);
        assertThat(hits()).as("the owner's second read came from memory").isEqualTo(before + 1);

        given().auth().oauth2(api.token("final-views-other")).get("/api/v1/jobs/" + id).then().statusCode(404);
        given().auth().oauth2(api.token("final-views-other")).queryParam("wait", "5s").get("/api/v1/jobs/" + id).then().statusCode(404);
    }

    @Test
    void anOpenJobIsReadFromTheDatabaseEveryTime() throws Exception {
        JobsApi api = new JobsApi(dataDir);
        String token = api.token("final-views-open");
        String id = JobsApi.submitAs(token, JobsApi.shell("sleep 120"));
        api.awaitState("final-views-open", id, Set.of("RUNNING"), Duration.ofSeconds(60));
        double before = hits();

        assertThat(body(token, id)).contains("\"state\":\"RUNNING\"");
        assertThat(body(token, id)).contains("\"state\":\"RUNNING\"");
        assertThat(hits()).as("a running job is not kept").isEqualTo(before);

        given().auth().oauth2(token).post("/api/v1/jobs/" + id + "/cancel").then().statusCode(202);
        assertThat(api.awaitFinal("final-views-open", id).getString("state")).isEqualTo("CANCELLED");
        assertThat(body(token, id)).contains("\"state\":\"CANCELLED\"");
    }

    @Test
    void theDatabaseRefusesAnyChangeToAFinalJobButItsLogRetentionMark() throws Exception {
        JobsApi api = new JobsApi(dataDir);
        String id = api.submit("final-views-rule", JobsApi.shell("true"));
        api.awaitFinal("final-views-rule", id);

        assertThatThrownBy(() -> update("UPDATE jobs SET detail = 'rewritten' WHERE id = ?", id))
                .isInstanceOf(SQLException.class).hasMessageContaining("is final (SUCCEEDED): only its logs_deleted_at may change");
        assertThatThrownBy(() -> update("UPDATE jobs SET state = 'QUEUED' WHERE id = ?", id))
                .isInstanceOf(SQLException.class).hasMessageContaining("is final");
        assertThatThrownBy(() -> update("UPDATE job_attempts SET exit_code = 1 WHERE job_id = ?", id))
                .isInstanceOf(SQLException.class).hasMessageContaining("its attempt 1 cannot change");
        assertThatThrownBy(() -> update("DELETE FROM job_attempts WHERE job_id = ?", id))
                .isInstanceOf(SQLException.class).hasMessageContaining("cannot change");
        assertThat(update("UPDATE jobs SET logs_deleted_at = now() WHERE id = ?", id)).isEqualTo(1);
    }
}
