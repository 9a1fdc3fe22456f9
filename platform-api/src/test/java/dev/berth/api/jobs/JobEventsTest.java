package dev.berth.api.jobs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.JobPolling;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /jobs/{id}/events}: a job's transitions as server-sent events, in the order of its
 * life, ending after the final state; a reconnect with {@code Last-Event-ID} is not sent what it
 * has; another tenant's job cannot be followed.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class JobEventsTest {

    private static final List<String> LIFE = List.of("QUEUED", "STARTING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED");
    private static final JsonMapper JSON = new JsonMapper();

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;

    private String token(String tenant) {
        return new JobsApi(dataDir).token(tenant);
    }

    private static String submit(String token, String script) {
        return JobsApi.submitAs(token, JobsApi.shell(script));
    }

    /** One server-sent event as it came over the wire. */
    record Event(String name, String id, JsonNode data) {
    }

    @Test
    void aFollowerGetsTheTransitionsInOrderAndTheStreamEndsAfterTheFinalOne() throws Exception {
        String token = token("events-follow");
        String id = submit(token, "sleep 2; exit 3");

        Response stream = given().auth().oauth2(token).get("/api/v1/jobs/" + id + "/events");

        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.contentType()).startsWith("text/event-stream");
        List<Event> events = parse(stream.asString());
        assertThat(events).isNotEmpty().allSatisfy(event -> assertThat(event.name()).isEqualTo("transition"));
        List<String> states = events.stream().map(event -> event.data().path("state").asText()).toList();
        assertThat(states).as("in the order of the job's life, each once").isSortedAccordingTo((a, b) -> LIFE.indexOf(a) - LIFE.indexOf(b))
                .doesNotHaveDuplicates();
        assertThat(states).as("the job runs for 2 s, long enough to be seen running").contains("RUNNING");
        JsonNode last = events.getLast().data();
        assertThat(last.path("state").asText()).isEqualTo("FAILED");
        assertThat(last.path("exitCode").asInt()).isEqualTo(3);
        assertThat(last.path("attempt").asInt()).isEqualTo(1);
        assertThat(events.getLast().id()).isEqualTo("1.FAILED");
        assertThat(new HashSet<>(events.stream().map(Event::id).toList())).hasSameSizeAs(events);
        // The stream ended because the job is final: the job says so too.
        assertThat(JobPolling.awaitFinal(token, id, Duration.ofSeconds(5)).getString("state")).isEqualTo("FAILED");
    }

    @Test
    void aReconnectWithTheLastEventIdIsNotSentTheStateItHas() throws Exception {
        String token = token("events-resume");
        String id = submit(token, "true");
        JobPolling.awaitFinal(token, id, Duration.ofSeconds(60));

        List<Event> fresh = parse(given().auth().oauth2(token).get("/api/v1/jobs/" + id + "/events").then().statusCode(200).extract().asString());
        assertThat(fresh).singleElement().satisfies(event -> {
            assertThat(event.id()).isEqualTo("1.SUCCEEDED");
            assertThat(event.data().path("state").asText()).isEqualTo("SUCCEEDED");
        });

        String resumed = given().auth().oauth2(token).header("Last-Event-ID", "1.SUCCEEDED").get("/api/v1/jobs/" + id + "/events")
                .then().statusCode(200).extract().asString();
        assertThat(parse(resumed)).isEmpty();
        String older = given().auth().oauth2(token).header("Last-Event-ID", "1.RUNNING").get("/api/v1/jobs/" + id + "/events")
                .then().statusCode(200).extract().asString();
        assertThat(parse(older)).extracting(Event::id).containsExactly("1.SUCCEEDED");
    }

    @Test
    void anotherTenantsJobCannotBeFollowed() {
        String id = submit(token("events-owner"), "sleep 5");

        given().auth().oauth2(token("events-other")).get("/api/v1/jobs/" + id + "/events")
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(token("events-other")).get("/api/v1/jobs/" + UUID.randomUUID() + "/events")
                .then().statusCode(404).contentType("application/problem+json");
        given().get("/api/v1/jobs/" + id + "/events").then().statusCode(401);
    }

    private static List<Event> parse(String body) throws Exception {
        List<Event> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            String name = null;
            String id = null;
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                }
            }
            if (!data.isEmpty()) {
                events.add(new Event(name, id, JSON.readTree(data.toString())));
            }
        }
        return events;
    }
}
