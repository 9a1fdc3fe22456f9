package dev.berth.api.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.PlatformProcess;
import dev.berth.api.Replicas;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of the packaged platform on one PostgreSQL: an API replica that runs no jobs and an
 * engine replica, both polling the queue only once a minute. A job submitted through the API
 * replica starts on the engine replica, and a cancel asked through the API replica stops it there,
 * long before a poll could have told them: only the announcements (LISTEN/NOTIFY) can.
 */
class CrossReplicaWakeUpIT {

    private static final Duration POLL = Duration.ofSeconds(60);
    /** Far below the poll interval, and generous for a start on a loaded 2-core machine. */
    private static final Duration PROMPT = Duration.ofSeconds(20);

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final Replicas replicas = new Replicas(http, Duration.ofSeconds(60));

    @AfterEach
    void stopEverything() throws Exception {
        replicas.close();
    }

    @Test
    void aJobSubmittedAndCancelledOnOneReplicaIsStartedAndStoppedOnAnotherWithoutWaitingForAPoll() throws Exception {
        Path apiDir = replicas.dataDir("berth-replica-api");
        PlatformProcess api = launch(apiDir, "api", List.of("-Dberth.dispatch.max-concurrent=0"));
        Path engineDir = replicas.dataDir("berth-replica-engine");
        PlatformProcess engine = launch(engineDir, "engine", List.of(
                "-Dquarkus.datasource.jdbc.url=" + Replicas.embeddedDatabaseUrl(apiDir),
                "-Dquarkus.datasource.username=postgres", "-Dquarkus.datasource.password="));
        // Each replica signs its own tokens here; the API replica's key is the one that counts for its routes.
        String token = EmbeddedPlatformResource.token(apiDir, "alice", List.of("replicas"), "tenant-member");

        Instant submitted = Instant.now();
        String id = submit(api, token, "true");
        JsonNode done = await(api, token, id, "SUCCEEDED");
        Duration took = Duration.between(submitted, Instant.now());
        assertThat(done.path("history").get(0).path("runner").asText()).as("run by the engine replica")
                .isEqualTo(Files.readString(engineDir.resolve("replica-id")).strip());
        assertThat(took).as("submit to SUCCEEDED across replicas, with a poll of %s", POLL).isLessThan(PROMPT);

        String sleeper = submit(api, token, "sleep 600");
        await(api, token, sleeper, "RUNNING");
        Instant cancelled = Instant.now();
        HttpResponse<String> cancel = http.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs/" + sleeper + "/cancel"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
        await(api, token, sleeper, "CANCELLED");
        assertThat(Duration.between(cancelled, Instant.now())).as("cancel through the API replica to CANCELLED on the engine replica")
                .isLessThan(PROMPT);
        assertThat(engine.alive()).isTrue();
    }

    private PlatformProcess launch(Path dataDir, String name, List<String> options) throws Exception {
        List<String> all = new ArrayList<>(List.of("-Dberth.dispatch.poll-interval=" + POLL.toSeconds() + "s"));
        all.addAll(options);
        return replicas.launch(dataDir, name, all);
    }

    private String submit(PlatformProcess platform, String token, String script) throws Exception {
        String body = mapper.writeValueAsString(Map.of("image", "busybox", "command", List.of("sh", "-c", script)));
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(platform.uri("/api/v1/jobs")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        return mapper.readTree(answer.body()).path("id").asText();
    }

    /** Long polls the API replica (which learns of the engine replica's transitions by announcement too) until the state. */
    private JsonNode await(PlatformProcess platform, String token, String id, String state) throws Exception {
        Instant deadline = Instant.now().plus(POLL);
        while (true) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(platform.uri("/api/v1/jobs/" + id + "?wait=1s"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonNode job = mapper.readTree(answer.body());
            if (job.path("state").asText().equals(state)) {
                return job;
            }
            assertThat(Instant.now()).as("job %s still %s, waiting for %s:\n%s", id, job.path("state").asText(), state, replicas.tails())
                    .isBefore(deadline);
        }
    }
}
