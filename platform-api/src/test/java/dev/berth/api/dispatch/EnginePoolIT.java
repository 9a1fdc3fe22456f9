package dev.berth.api.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.PlatformProcess;
import dev.berth.api.Replicas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three replicas of the packaged platform on one PostgreSQL: an API-only replica (which owns the
 * embedded database, as an API pod would reach the shared one) and two engine replicas with the
 * default lease (10 s, renewed every 3 s, reaped every 2 s). Through the API-only replica only:
 * a running job's logs are followed live; the engine replica running it is SIGKILLed and the
 * attempt ends NodeLost and is retried on the other engine replica within the stated fail-over
 * time; the killed replica restarts without touching the result; a replica told to stop
 * (SIGTERM) drains, and the job it could not finish is handed back and runs on the other one.
 */
class EnginePoolIT {

    /** The fail-over the defaults promise: lease 10 s + reap interval 2 s + retry backoff 2 s + a claim and a start under load. */
    private static final Duration FAIL_OVER = Duration.ofSeconds(30);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);
    private static final long FLOOD_BYTES = 10L * 1024 * 1024;

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final Replicas replicas = new Replicas(http, Duration.ofSeconds(90));
    private final Map<String, PlatformProcess> engines = new HashMap<>();
    private String jdbcUrl;
    private String token;

    @AfterEach
    void stopEverything() throws Exception {
        replicas.close();
    }

    @Test
    void noAcknowledgedJobIsLostOrStuckWhenAnEngineReplicaDiesComesBackAndAnotherDrains() throws Exception {
        Path apiDir = replicas.dataDir("berth-pool-api");
        PlatformProcess api = replicas.launch(apiDir, "api", List.of("-Dberth.dispatch.max-concurrent=0"));
        jdbcUrl = Replicas.embeddedDatabaseUrl(apiDir);
        Path dirA = replicas.dataDir("berth-pool-engine-a");
        Path dirB = replicas.dataDir("berth-pool-engine-b");
        PlatformProcess a = launchEngine(dirA, "engine-a");
        PlatformProcess b = launchEngine(dirB, "engine-b");
        engines.put(replicaId(dirA), a);
        engines.put(replicaId(dirB), b);
        token = EmbeddedPlatformResource.token(apiDir, "pool", List.of("pool"), "tenant-member");

        // Follow a running job's logs through the API-only replica while an engine replica runs it.
        String ticker = submit(api, "echo start; i=0; while [ $i -lt 30 ]; do i=$((i+1)); echo tick $i; sleep 0.5; done; echo done", 1);
        JsonNode running = await(api, ticker, "RUNNING", Duration.ofMinutes(2));
        String firstRunner = running.path("history").get(0).path("runner").asText();
        assertThat(engines).as("run by an engine replica").containsKey(firstRunner);
        HttpResponse<InputStream> follow = http.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs/" + ticker + "/logs?follow=true&attempt=1"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(follow.statusCode()).isEqualTo(200);
        InputStream followed = follow.body();
        String live = readUntil(followed, "tick 3\n", Duration.ofSeconds(30));
        assertThat(live).startsWith("start\ntick 1\n");
        assertThat(state(api, ticker)).as("the output arrived through the API-only replica while the job ran").isEqualTo("RUNNING");

        // SIGKILL the engine replica running it: the attempt ends NodeLost, the retry runs on the other replica.
        PlatformProcess victim = engines.get(firstRunner);
        Instant killed = Instant.now();
        victim.kill();
        CompletableFuture<String> restOfFollow = CompletableFuture.supplyAsync(() -> readAll(followed));
        JsonNode retried = awaitAttempt(api, ticker, 2, Duration.ofMinutes(2));
        Duration failOver = Duration.between(killed, Instant.parse(retried.path("history").get(1).path("startedAt").asText()));
        JsonNode lost = retried.path("history").get(0);
        assertThat(lost.path("reason").asText()).as(lost.toString()).isEqualTo("NodeLost");
        String secondRunner = retried.path("history").get(1).path("runner").asText();
        assertThat(secondRunner).isNotEqualTo(firstRunner).isIn(engines.keySet());
        assertThat(failOver).as("SIGKILL to the retry's start on the other replica").isLessThan(FAIL_OVER);
        String firstAttempt = restOfFollow.get(FAIL_OVER.toSeconds(), TimeUnit.SECONDS);
        assertThat(live + firstAttempt).as("the follow of the lost attempt ends once it is lost").startsWith("start\ntick 1\n").doesNotContain("done");
        JsonNode succeeded = await(api, ticker, "SUCCEEDED", Duration.ofMinutes(2));
        assertThat(logs(api, ticker, "&attempt=2")).endsWith("tick 30\ndone\n");

        // The killed replica comes back: it removes what it still ran and leaves the result alone.
        PlatformProcess back = launchEngine(firstRunner.equals(replicaId(dirA)) ? dirA : dirB, "restarted");
        engines.put(firstRunner, back);
        Thread.sleep(Duration.ofSeconds(5));
        JsonNode after = view(api, ticker);
        assertThat(after.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(after.path("finishedAt")).isEqualTo(succeeded.path("finishedAt"));
        assertThat(after.path("history")).hasSize(2);
        assertThat(after.path("history").get(0).path("reason").asText()).isEqualTo("NodeLost");
        assertThat(back.tail()).contains("container(s) a previous run left behind");
        System.out.printf("engine pool: SIGKILL of %s to the retry's start on %s took %d ms (lease 10s, reap every 2s, backoff 2s)%n",
                firstRunner, secondRunner, failOver.toMillis());

        // An engine replica hangs past its lease while its job finishes, then wakes: the result it holds is stale and refused.
        String paused = submit(api, "echo begin; sleep 4; echo end", 1);
        String pausedRunner = await(api, paused, "RUNNING", Duration.ofMinutes(2)).path("history").get(0).path("runner").asText();
        PlatformProcess hung = engines.get(pausedRunner);
        hung.pause();
        JsonNode takenOver;
        try {
            takenOver = awaitAttempt(api, paused, 2, Duration.ofMinutes(2));
        } finally {
            hung.resume();
        }
        assertThat(takenOver.path("history").get(0).path("reason").asText()).isEqualTo("NodeLost");
        JsonNode pausedDone = await(api, paused, "SUCCEEDED", Duration.ofMinutes(2));
        Instant wake = Instant.now();
        while (!hung.tail().contains("was not recorded")) {
            assertThat(Instant.now()).as("the woken replica tries to record its stale end:\n%s", hung.tail())
                    .isBefore(wake.plus(Duration.ofSeconds(60)));
            Thread.sleep(200);
        }
        assertThat(hung.tail()).contains("expired (last renewal more than");
        JsonNode afterWake = view(api, paused);
        assertThat(afterWake.path("history")).hasSize(2);
        assertThat(afterWake.path("history").get(0).path("reason").asText()).as("the stale success did not overwrite the loss").isEqualTo("NodeLost");
        assertThat(afterWake.path("finishedAt")).isEqualTo(pausedDone.path("finishedAt"));
        assertThat(logs(api, paused, "&attempt=2")).isEqualTo("begin\nend\n");

        // A 10 MiB flood: what shared logs cost in time and database growth, beside the same flood to /dev/null;
        // text (which PostgreSQL compresses) and random bytes (which it cannot).
        flood(api, "text", "yes x");
        flood(api, "random bytes", "cat /dev/urandom");

        // Drain: the replica told to stop lets a short job finish and hands back the one it cannot finish in its grace.
        String longJob = submit(api, "echo long; sleep 600", 0);
        String drainingRunner = await(api, longJob, "RUNNING", Duration.ofMinutes(2)).path("history").get(0).path("runner").asText();
        String shortJob = submit(api, "sleep 2; echo short", 0);
        await(api, shortJob, "RUNNING", Duration.ofMinutes(2));
        PlatformProcess draining = engines.get(drainingRunner);
        Instant drainStart = Instant.now();
        int status = draining.terminate(Duration.ofSeconds(90));
        Duration drained = Duration.between(drainStart, Instant.now());
        assertThat(draining.tail()).contains("handing back 1 job(s) still running after the shutdown grace");
        assertThat(await(api, shortJob, "SUCCEEDED", Duration.ofMinutes(1)).path("state").asText()).isEqualTo("SUCCEEDED");
        JsonNode handedBack = awaitAttempt(api, longJob, 2, Duration.ofMinutes(2));
        assertThat(handedBack.path("history").get(0).path("reason").asText()).isEqualTo("HandedBack");
        assertThat(handedBack.path("history").get(1).path("runner").asText()).as("run on by the replica left").isNotEqualTo(drainingRunner);
        assertThat(await(api, longJob, "RUNNING", Duration.ofMinutes(1)).path("attempts").asInt())
                .as("a job without retries runs again after a hand-back").isEqualTo(2);
        System.out.printf("engine pool: SIGTERM drained %s in %d ms (exit %d, grace %s): a short job finished, the long one was handed back%n",
                drainingRunner, drained.toMillis(), status, SHUTDOWN_GRACE);
        cancel(api, longJob);
        await(api, longJob, "CANCELLED", Duration.ofMinutes(1));
    }

    private static String replicaId(Path dataDir) {
        try {
            return Files.readString(dataDir.resolve("replica-id")).strip();
        } catch (IOException e) {
            throw new AssertionError("the replica's id in " + dataDir, e);
        }
    }

    private PlatformProcess launchEngine(Path dataDir, String name) throws Exception {
        return replicas.launch(dataDir, name, List.of("-Dquarkus.datasource.jdbc.url=" + jdbcUrl, "-Dquarkus.datasource.username=postgres",
                "-Dquarkus.datasource.password=", "-Dberth.dispatch.shutdown-grace=" + SHUTDOWN_GRACE.toSeconds() + "s",
                "-Dberth.engine.kill-grace=2s", "-Dberth.dispatch.max-concurrent=2"));
    }

    private String submit(PlatformProcess platform, String script, int retries) throws Exception {
        String body = mapper.writeValueAsString(Map.of("image", "busybox", "command", List.of("sh", "-c", script), "retries", retries,
                "resources", Map.of("cpuMillis", 250)));
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(platform.uri("/api/v1/jobs")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        return mapper.readTree(answer.body()).path("id").asText();
    }

    private void cancel(PlatformProcess platform, String id) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(platform.uri("/api/v1/jobs/" + id + "/cancel"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isIn(200, 202);
    }

    /** Submit to SUCCEEDED of a job writing 10 MiB of the source to stdout, and of the same job writing it to /dev/null. */
    private void flood(PlatformProcess api, String kind, String source) throws Exception {
        long tableBefore = logTableBytes();
        Instant start = Instant.now();
        String quietId = submit(api, source + " | head -c " + FLOOD_BYTES + " > /dev/null", 0);
        await(api, quietId, "SUCCEEDED", Duration.ofMinutes(3));
        Duration quiet = Duration.between(start, Instant.now());
        start = Instant.now();
        String floodId = submit(api, source + " | head -c " + FLOOD_BYTES, 0);
        await(api, floodId, "SUCCEEDED", Duration.ofMinutes(3));
        Duration flood = Duration.between(start, Instant.now());
        long growth = logTableBytes() - tableBefore;
        HttpResponse<byte[]> stored = http.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs/" + floodId + "/logs"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(stored.body().length).as("the whole flood, served by the API-only replica").isEqualTo(FLOOD_BYTES);
        System.out.printf("engine pool: a %d MiB flood of %s took %d ms from submit to SUCCEEDED with shared logs against %d ms to /dev/null "
                        + "(ratio %.2f); job_log_chunks grew by %d bytes (%.2f per byte of output)%n", FLOOD_BYTES >> 20, kind, flood.toMillis(),
                quiet.toMillis(), (double) flood.toMillis() / quiet.toMillis(), growth, (double) growth / FLOOD_BYTES);
    }

    private JsonNode view(PlatformProcess platform, String id) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(platform.uri("/api/v1/jobs/" + id))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return mapper.readTree(answer.body());
    }

    private String state(PlatformProcess platform, String id) throws Exception {
        return view(platform, id).path("state").asText();
    }

    private String logs(PlatformProcess platform, String id, String query) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(platform.uri("/api/v1/jobs/" + id + "/logs?stream=stdout" + query))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return answer.body();
    }

    private JsonNode await(PlatformProcess platform, String id, String state, Duration limit) throws Exception {
        Instant deadline = Instant.now().plus(limit);
        while (true) {
            JsonNode job = view(platform, id);
            if (job.path("state").asText().equals(state)) {
                return job;
            }
            assertThat(Instant.now()).as("job %s still %s, waiting for %s: %s\n%s", id, job.path("state").asText(), state, job, replicas.tails())
                    .isBefore(deadline);
            Thread.sleep(200);
        }
    }

    /** The job once its attempt has started. */
    private JsonNode awaitAttempt(PlatformProcess platform, String id, int attempt, Duration limit) throws Exception {
        Instant deadline = Instant.now().plus(limit);
        while (true) {
            JsonNode job = view(platform, id);
            JsonNode history = job.path("history");
            if (history.size() >= attempt && !history.get(attempt - 1).path("startedAt").isNull()
                    && !history.get(attempt - 1).path("startedAt").isMissingNode()) {
                return job;
            }
            assertThat(Instant.now()).as("attempt %d of job %s has not started: %s\n%s", attempt, id, job, replicas.tails()).isBefore(deadline);
            Thread.sleep(100);
        }
    }

    private long logTableBytes() throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
             Statement statement = connection.createStatement();
             ResultSet size = statement.executeQuery("SELECT pg_total_relation_size('job_log_chunks')")) {
            size.next();
            return size.getLong(1);
        }
    }

    private static String readUntil(InputStream in, String marker, Duration limit) throws IOException {
        Instant deadline = Instant.now().plus(limit);
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        while (!read.toString(StandardCharsets.UTF_8).contains(marker)) {
            assertThat(Instant.now()).as("waiting for %s in the followed logs: %s", marker, read).isBefore(deadline);
            int next = in.read();
            assertThat(next).as("the follow ended before %s: %s", marker, read).isNotNegative();
            read.write(next);
        }
        return read.toString(StandardCharsets.UTF_8);
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("the followed logs broke off", e);
        }
    }
}
