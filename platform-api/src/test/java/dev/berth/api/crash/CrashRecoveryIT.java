package dev.berth.api.crash;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.PlatformProcess;
import dev.berth.engine.image.FileTrees;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kills the packaged platform with SIGKILL while four clients submit jobs as fast as they can,
 * starts it again on the same data directory (its embedded PostgreSQL still running from the
 * killed process), and checks that every job answered 201 exists and reaches a final state, and
 * that a SIGTERM afterwards lets a running job finish and stops the database cleanly.
 */
class CrashRecoveryIT {

    private static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
    private static final List<String> TENANTS = List.of("storm-a", "storm-b");
    private static final int CLIENTS = 4;
    private static final int ACKNOWLEDGED_BEFORE_KILL = 60;

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<PlatformProcess> started = new ArrayList<>();
    private Path dataDir;

    @AfterEach
    void stopEverything() throws Exception {
        for (PlatformProcess platform : started) {
            if (platform.alive()) {
                platform.terminate(Duration.ofSeconds(60));
            }
        }
        // A server left from the kill, should the restart never have happened.
        Optional<ProcessHandle> leftover = postmaster();
        if (leftover.isPresent()) {
            leftover.get().destroy();
            leftover.get().onExit().get(30, TimeUnit.SECONDS);
        }
        FileTrees.remove(dataDir);
    }

    @Test
    void noAcknowledgedJobIsLostWhenThePlatformIsKilledDuringASubmissionStorm() throws Exception {
        Path jar = Path.of(System.getProperty("berth.platform.jar", "target/quarkus-app/quarkus-run.jar"));
        assertThat(jar).as("the packaged platform (mvn package builds it)").isRegularFile();
        dataDir = Files.createTempDirectory("berth-crash");
        PlatformProcess first = launch(jar, "first");

        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        AtomicBoolean storming = new AtomicBoolean(true);
        AtomicInteger refusedOrLost = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int client = 0; client < CLIENTS; client++) {
            String tenant = TENANTS.get(client % TENANTS.size());
            String token = token(tenant);
            clients.submit(() -> {
                int n = 0;
                while (storming.get()) {
                    // Every fourth job runs for a while, so that some are running when the platform dies.
                    String command = n++ % 4 == 0 ? "sleep 2" : "true";
                    try {
                        HttpResponse<String> answer = http.send(post(first, token, command), HttpResponse.BodyHandlers.ofString());
                        if (answer.statusCode() == 201) {
                            acknowledged.put(mapper.readTree(answer.body()).path("id").asText(), tenant);
                        } else {
                            refusedOrLost.incrementAndGet();
                        }
                    } catch (IOException connectionLost) {
                        refusedOrLost.incrementAndGet();
                    }
                }
                return null;
            });
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (acknowledged.size() < ACKNOWLEDGED_BEFORE_KILL && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        first.kill();
        int atKill = acknowledged.size();
        Thread.sleep(300);
        storming.set(false);
        clients.shutdown();
        assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(atKill).as("jobs acknowledged before the kill").isGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_KILL);
        assertThat(postmaster()).as("the killed platform's PostgreSQL is still running").isPresent();

        Instant restart = Instant.now();
        PlatformProcess second = launch(jar, "second");
        Duration restartTime = Duration.between(restart, Instant.now());

        Map<String, Integer> outcomes = new HashMap<>();
        Instant finalDeadline = Instant.now().plus(Duration.ofMinutes(5));
        for (Map.Entry<String, String> job : acknowledged.entrySet()) {
            JsonNode view = awaitFinal(second, job.getValue(), job.getKey(), finalDeadline);
            String state = view.path("state").asText();
            String key = state + (view.path("reason").isNull() ? "" : "/" + view.path("reason").asText());
            outcomes.merge(key, 1, Integer::sum);
            if (state.equals("FAILED")) {
                assertThat(view.path("reason").asText()).as(view.toString()).isEqualTo("PlatformRestart");
            } else {
                assertThat(state).as(view.toString()).isEqualTo("SUCCEEDED");
            }
        }
        // Submissions cut off by the kill may have committed without an answer: they must end too.
        int unacknowledged = 0;
        for (String tenant : TENANTS) {
            List<JsonNode> jobs = awaitAllFinal(second, tenant, finalDeadline);
            unacknowledged += (int) jobs.stream().filter(job -> !acknowledged.containsKey(job.path("id").asText())).count();
            for (JsonNode job : jobs) {
                assertThat(job.path("state").asText().equals("SUCCEEDED") || job.path("reason").asText().equals("PlatformRestart"))
                        .as(job.toString()).isTrue();
            }
        }
        System.out.printf("crash test: %d submissions acknowledged before SIGKILL, %d refused or cut off (%d of those committed anyway), "
                        + "restart took %d ms, all %d acknowledged found again and final: %s%n",
                acknowledged.size(), refusedOrLost.get(), unacknowledged, restartTime.toMillis(), acknowledged.size(), outcomes);

        // SIGTERM: the running job finishes within the grace period, then the database stops cleanly.
        String tenant = TENANTS.getFirst();
        HttpResponse<String> last = http.send(post(second, token(tenant), "sleep 2; echo done"), HttpResponse.BodyHandlers.ofString());
        assertThat(last.statusCode()).isEqualTo(201);
        String lastId = mapper.readTree(last.body()).path("id").asText();
        awaitState(second, tenant, lastId, Set.of("RUNNING"));
        int status = second.terminate(Duration.ofSeconds(90));
        assertThat(postmaster()).as("PostgreSQL stopped with the platform").isEmpty();
        assertThat(second.tail()).doesNotContain("could not record the end of job");

        PlatformProcess third = launch(jar, "third");
        JsonNode graceful = awaitFinal(third, tenant, lastId, Instant.now().plus(Duration.ofMinutes(1)));
        assertThat(graceful.path("state").asText()).as(graceful.toString()).isEqualTo("SUCCEEDED");
        System.out.printf("crash test: SIGTERM with a running job exited with status %d; the job ended %s%n", status, graceful.path("state").asText());
    }

    private PlatformProcess launch(Path jar, String name) throws Exception {
        PlatformProcess platform = PlatformProcess.start(jar, dataDir, name, List.of("-Dberth.dispatch.poll-interval=200ms", "-Dberth.engine.kill-grace=2s"));
        started.add(platform);
        platform.awaitReady(http, Duration.ofMinutes(3));
        return platform;
    }

    private String token(String tenant) {
        return EmbeddedPlatformResource.token(dataDir, "storm-user", List.of(tenant), "tenant-member");
    }

    private HttpRequest post(PlatformProcess platform, String token, String command) throws IOException {
        String body = mapper.writeValueAsString(Map.of("image", "busybox", "command", List.of("sh", "-c", command),
                "resources", Map.of("cpuMillis", 250)));
        return HttpRequest.newBuilder(platform.uri("/api/v1/jobs")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private JsonNode get(PlatformProcess platform, String tenant, String path) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(platform.uri(path)).header("Authorization", "Bearer " + token(tenant)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("GET %s: %s", path, answer.body()).isEqualTo(200);
        return mapper.readTree(answer.body());
    }

    private JsonNode awaitFinal(PlatformProcess platform, String tenant, String id, Instant deadline) throws Exception {
        JsonNode view = get(platform, tenant, "/api/v1/jobs/" + id);
        while (!FINAL.contains(view.path("state").asText())) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("job " + id + " is still " + view.path("state").asText() + ":\n" + platform.tail());
            }
            Thread.sleep(200);
            view = get(platform, tenant, "/api/v1/jobs/" + id);
        }
        return view;
    }

    /** Every job of the tenant, once none is queued, starting or running any more. */
    private List<JsonNode> awaitAllFinal(PlatformProcess platform, String tenant, Instant deadline) throws Exception {
        while (true) {
            List<JsonNode> jobs = new ArrayList<>();
            String cursor = null;
            do {
                JsonNode page = get(platform, tenant, "/api/v1/jobs?limit=500" + (cursor == null ? "" : "&cursor=" + cursor));
                page.path("items").forEach(jobs::add);
                cursor = page.path("next").isNull() ? null : page.path("next").asText();
            } while (cursor != null);
            List<JsonNode> active = jobs.stream().filter(job -> !FINAL.contains(job.path("state").asText())).toList();
            if (active.isEmpty()) {
                return jobs;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("jobs of " + tenant + " still not final: " + active + "\n" + platform.tail());
            }
            Thread.sleep(200);
        }
    }

    private void awaitState(PlatformProcess platform, String tenant, String id, Set<String> states) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        while (!states.contains(get(platform, tenant, "/api/v1/jobs/" + id).path("state").asText())) {
            assertThat(Instant.now()).as("job %s reaching %s", id, states).isBefore(deadline);
            Thread.sleep(50);
        }
    }

    private Optional<ProcessHandle> postmaster() throws IOException {
        Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(Files.readAllLines(pidFile).getFirst().strip())).filter(ProcessHandle::isAlive);
    }
}
