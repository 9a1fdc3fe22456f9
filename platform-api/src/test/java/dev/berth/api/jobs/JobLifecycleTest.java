package dev.berth.api.jobs;

import static dev.berth.api.jobs.JobsApi.shell;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.lifecycle.Job;
import dev.berth.api.lifecycle.JobLifecycle;
import dev.berth.api.lifecycle.JobQueued;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.JobRequest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.FutureTask;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Idempotent submission, cancel, retries, listing, quota and usage, logs that outlive the container. */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class JobLifecycleTest {

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;
    @TestHTTPResource("/")
    URL base;
    @Inject
    LogRetention retention;
    @Inject
    QueuedWitness witness;
    @Inject
    JobService jobs;
    @Inject
    JobLifecycle lifecycle;
    @Inject
    ObjectMapper mapper;

    private JobsApi api;

    /**
     * Hears of queued jobs as the dispatcher does (after success) and notes whether the job was
     * visible then to a transaction of another thread, as the dispatcher's claim is.
     */
    @ApplicationScoped
    static class QueuedWitness {

        private final Map<UUID, Boolean> visible = new ConcurrentHashMap<>();

        @Inject
        EntityManager em;

        void queued(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobQueued job) throws Exception {
            FutureTask<Boolean> read = new FutureTask<>(() -> QuarkusTransaction.requiringNew().call(() -> em.find(Job.class, job.id()) != null));
            Thread.ofPlatform().start(read);
            visible.put(job.id(), read.get());
        }

        /** Through a method: a field read on the injected client proxy would not reach the bean. */
        Map<UUID, Boolean> announced() {
            return Map.copyOf(visible);
        }
    }

    @BeforeEach
    void setUp() {
        api = new JobsApi(dataDir);
    }

    private io.restassured.response.ValidatableResponse post(String tenant, String key, Object body) {
        return given().auth().oauth2(api.token(tenant)).contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .when().post("/api/v1/jobs").then();
    }

    @Test
    void theSameKeyAndBodyAnswerTheOriginalJobAndADifferentBodyIsRefused() {
        String key = UUID.randomUUID().toString();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("a", "1");
        labels.put("b", "2");
        Map<String, Object> first = Map.of("image", "busybox", "command", List.of("true"), "labels", labels);
        String id = post("idem", key, first).statusCode(201).header(JobResource.REPLAYED, (String) null).extract().path("id");

        Map<String, String> reordered = new LinkedHashMap<>();
        reordered.put("b", "2");
        reordered.put("a", "1");
        post("idem", key, Map.of("labels", reordered, "command", List.of("true"), "image", "busybox"))
                .statusCode(201).header(JobResource.REPLAYED, "true").body("id", equalTo(id));
        post("idem", key, Map.of("image", "busybox", "command", List.of("false")))
                .statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("https://berth.dev/problems/idempotency-key-reused"));
        // Keys belong to their tenant: another tenant's use of the same key is a new job.
        String other = post("idem-other", key, first).statusCode(201).extract().path("id");
        assertThat(other).isNotEqualTo(id);
        assertThat(listIds("idem", "label=a=1")).containsOnlyOnce(id);
    }

    @Test
    void aRefusedRequestLeavesItsKeyFreeAndABadKeyIsA400() {
        String key = "retry-" + UUID.randomUUID();
        post("idem", key, Map.of("image", "busybox", "command", List.of("id"), "user", 0)).statusCode(422);
        post("idem", key, Map.of("image", "busybox", "command", List.of("true"))).statusCode(201).header(JobResource.REPLAYED, (String) null);
        post("idem", "has space", Map.of("image", "busybox", "command", List.of("true")))
                .statusCode(400).contentType("application/problem+json");
    }

    @Test
    void aQueuedJobIsAnnouncedOnceCommittedAndNeverWhenItsSubmissionRollsBack() throws Exception {
        String committed = api.submit("announced", shell("true"));
        assertThat(witness.announced()).containsEntry(UUID.fromString(committed), true);

        JobRequest request = mapper.readValue("{\"image\": \"busybox\", \"command\": [\"true\"]}", JobRequest.class);
        ExecutionPlan plan = jobs.dryRun("announced", request);
        UUID rolledBack = UUID.randomUUID();
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            lifecycle.submit(rolledBack, "announced", request, plan);
            throw new IllegalStateException("the submission fails after the job was written");
        })).hasMessageContaining("the submission fails");
        assertThat(witness.announced()).doesNotContainKey(rolledBack);
        given().auth().oauth2(api.token("announced")).get("/api/v1/jobs/" + rolledBack).then().statusCode(404);
    }

    @Test
    void aQueuedJobIsCancelledAtOnceAndARunningOneIsStopped() throws Exception {
        api.setQuota("cancelco", 1, 4000, 1L << 30);
        String running = api.submit("cancelco", shell("echo started; trap 'echo got TERM; exit 143' TERM; sleep 60 & wait"));
        api.awaitState("cancelco", running, Set.of("RUNNING"), Duration.ofSeconds(60));
        String queued = api.submit("cancelco", shell("echo never"));
        // At its concurrency quota the tenant's second job waits in the queue; it is not refused.
        JsonPath quota = given().auth().oauth2(api.token("cancelco")).get("/api/v1/quota").then().statusCode(200).extract().jsonPath();
        assertThat(quota.getLong("inUse.concurrentJobs")).isEqualTo(1);
        assertThat(quota.getLong("queued")).isEqualTo(1);
        assertThat(api.get("cancelco", queued).getString("state")).isEqualTo("QUEUED");

        given().auth().oauth2(api.token("other")).post("/api/v1/jobs/" + queued + "/cancel").then().statusCode(404);
        given().auth().oauth2(api.token("cancelco")).post("/api/v1/jobs/" + queued + "/cancel")
                .then().statusCode(200).body("state", equalTo("CANCELLED")).body("reason", equalTo("Cancelled"));
        given().auth().oauth2(api.token("cancelco")).post("/api/v1/jobs/" + running + "/cancel")
                .then().statusCode(202).body("state", equalTo("RUNNING"));
        JsonPath stopped = api.awaitFinal("cancelco", running);
        assertThat(stopped.getString("state")).isEqualTo("CANCELLED");
        assertThat(stopped.getDouble("usage.wallSeconds")).isLessThan(30);
        given().auth().oauth2(api.token("cancelco")).post("/api/v1/jobs/" + running + "/cancel")
                .then().statusCode(200).body("state", equalTo("CANCELLED"));
        // The output outlives the container, including what the job printed on SIGTERM.
        assertThat(logs("cancelco", running, "")).isEqualTo("started\ngot TERM\n");
        assertThat(api.get("cancelco", queued).getInt("attempts")).isZero();
        String auditor = EmbeddedPlatformResource.token(dataDir, "auditor", List.of(), "auditor");
        assertThat(given().auth().oauth2(auditor).queryParam("tenant", "cancelco").queryParam("action", "job.cancel")
                .get("/api/v1/audit").then().statusCode(200).extract().jsonPath().getList("items.target", String.class))
                .contains("job/" + queued, "job/" + running);
    }

    @Test
    void aFailingJobIsRetriedWithBackoffAndEveryAttemptIsRecorded() throws Exception {
        String id = api.submit("retrier", Map.of("image", "busybox", "command", List.of("sh", "-c", "echo try; exit 3"), "retries", 2));
        JsonPath job = api.awaitFinal("retrier", id);
        assertThat(job.getString("state")).isEqualTo("FAILED");
        assertThat(job.getInt("attempts")).isEqualTo(3);
        assertThat(job.getInt("exitCode")).isEqualTo(3);
        List<Map<String, Object>> history = job.getList("history");
        assertThat(history).extracting(attempt -> attempt.get("attempt")).containsExactly(1, 2, 3);
        assertThat(history).allSatisfy(attempt -> {
            assertThat(attempt.get("outcome")).isEqualTo("FAILED");
            assertThat(attempt.get("exitCode")).isEqualTo(3);
        });
        // Backoff 300 ms, then 600 ms (test configuration).
        assertThat(gap(history.get(0), history.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(gap(history.get(1), history.get(2))).isGreaterThanOrEqualTo(Duration.ofMillis(600));
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(logs("retrier", id, "&attempt=" + attempt)).isEqualTo("try\n");
        }
        given().auth().oauth2(api.token("retrier")).get("/api/v1/jobs/" + id + "/logs?attempt=4")
                .then().statusCode(400).contentType("application/problem+json");
    }

    private static Duration gap(Map<String, Object> earlier, Map<String, Object> later) {
        return Duration.between(Instant.parse((String) earlier.get("finishedAt")), Instant.parse((String) later.get("claimedAt")));
    }

    @Test
    void listingFiltersByStateAndLabelsAndPagesWithACursor() throws Exception {
        String run = "run-" + UUID.randomUUID();
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            submitted.add(api.submit("lister", Map.of("image", "busybox", "command", List.of("true"), "labels", Map.of("run", run, "n", "" + i))));
        }
        api.submit("lister", Map.of("image", "busybox", "command", List.of("true"), "labels", Map.of("run", "elsewhere")));
        for (String id : submitted) {
            api.awaitFinal("lister", id);
        }
        List<String> pages = new ArrayList<>();
        Set<String> cursors = new HashSet<>();
        String cursor = null;
        do {
            var request = given().auth().oauth2(api.token("lister")).queryParam("label", "run=" + run).queryParam("limit", 2)
                    .queryParam("state", "SUCCEEDED");
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/api/v1/jobs").then().statusCode(200).extract().jsonPath();
            assertThat(page.getList("items")).hasSizeLessThanOrEqualTo(2);
            pages.addAll(page.getList("items.id"));
            cursor = page.getString("next");
            assertThat(cursor == null || cursors.add(cursor)).isTrue();
        } while (cursor != null);
        assertThat(pages).containsExactlyElementsOf(submitted.reversed());
        assertThat(listIds("lister", "label=run=" + run + "&label=n=3")).containsExactly(submitted.get(3));
        assertThat(listIds("lister", "label=run=" + run + "&state=QUEUED&state=RUNNING")).isEmpty();
        // Another tenant sees none of them.
        assertThat(listIds("not-lister", "label=run=" + run)).isEmpty();

        for (String bad : List.of("state=DONE", "label=novalue", "cursor=!!", "limit=0", "limit=abc", "limit=501")) {
            given().auth().oauth2(api.token("lister")).get("/api/v1/jobs?" + bad)
                    .then().statusCode(400).contentType("application/problem+json");
        }
    }

    private List<String> listIds(String tenant, String query) {
        return given().auth().oauth2(api.token(tenant)).get("/api/v1/jobs?limit=500&" + query)
                .then().statusCode(200).extract().jsonPath().getList("items.id");
    }

    @Test
    void followStreamsOutputAsItIsWrittenUntilTheJobEndsAndAnOffsetResumes() throws Exception {
        String id = api.submit("follower", shell("echo first; sleep 3; echo second"));
        HttpURLConnection connection = (HttpURLConnection) new URL(base, "/api/v1/jobs/" + id + "/logs?follow=true").openConnection();
        connection.setRequestProperty("Authorization", "Bearer " + api.token("follower"));
        connection.setReadTimeout(60_000);
        assertThat(connection.getResponseCode()).isEqualTo(200);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(reader.readLine()).isEqualTo("first");
            // The first line arrived while the job was still running.
            assertThat(api.get("follower", id).getString("state")).isEqualTo("RUNNING");
            assertThat(reader.readLine()).isEqualTo("second");
            assertThat(reader.readLine()).isNull();
        }
        assertThat(api.get("follower", id).getString("state")).isEqualTo("SUCCEEDED");
        assertThat(logs("follower", id, "&offset=6")).isEqualTo("second\n");
        assertThat(logs("follower", id, "&offset=6&follow=true")).isEqualTo("second\n");
        assertThat(logs("follower", id, "&offset=100")).isEmpty();
        given().auth().oauth2(api.token("follower")).get("/api/v1/jobs/" + id + "/logs?offset=-1").then().statusCode(400);
        given().auth().oauth2(api.token("follower")).get("/api/v1/jobs/" + id + "/logs?follow=maybe").then().statusCode(400);
        given().auth().oauth2(api.token("follower")).get("/api/v1/jobs/" + id + "/logs?stream=stdin").then().statusCode(400);
    }

    @Test
    void quotaShowsWhatTheTenantsJobsConsumed() throws Exception {
        String id = api.submit("meter", shell("i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done"));
        JsonPath job = api.awaitFinal("meter", id);
        assertThat(job.getString("state")).isEqualTo("SUCCEEDED");
        assertThat(job.getDouble("usage.cpuSeconds")).isPositive();
        assertThat(job.getDouble("usage.wallSeconds")).isPositive();
        assertThat(job.getLong("usage.peakMemoryBytes")).isPositive();
        JsonPath quota = given().auth().oauth2(api.token("meter")).get("/api/v1/quota").then().statusCode(200).extract().jsonPath();
        assertThat(quota.getInt("quota.concurrentJobs")).isEqualTo(4);
        assertThat(quota.getLong("inUse.concurrentJobs")).isZero();
        assertThat(quota.getLong("inUse.jobsLastHour")).isEqualTo(1);
        assertThat(quota.getLong("consumed.attempts")).isEqualTo(1);
        assertThat(quota.getDouble("consumed.cpuSeconds")).isEqualTo(job.getDouble("usage.cpuSeconds"));
        assertThat(quota.getDouble("consumed.wallSeconds")).isEqualTo(job.getDouble("usage.wallSeconds"));
    }

    @Test
    void aTenantsOldestLogsGoBeyondItsLogBytesQuota() throws Exception {
        api.setQuota("chatty", 4, 4000, 20);
        String older = api.submit("chatty", shell("echo 0123456789abc"));
        api.awaitFinal("chatty", older);
        String newer = api.submit("chatty", shell("echo 0123456789xyz"));
        api.awaitFinal("chatty", newer);
        assertThat(retention.sweep()).isGreaterThanOrEqualTo(1);

        given().auth().oauth2(api.token("chatty")).get("/api/v1/jobs/" + older + "/logs")
                .then().statusCode(410).contentType("application/problem+json");
        assertThat(logs("chatty", newer, "")).isEqualTo("0123456789xyz\n");
        assertThat(given().auth().oauth2(api.token("chatty")).get("/api/v1/quota").then().extract().jsonPath().getLong("inUse.logBytes"))
                .isEqualTo(14);
    }

    private String logs(String tenant, String id, String query) {
        return given().auth().oauth2(api.token(tenant)).get("/api/v1/jobs/" + id + "/logs?stream=stdout" + query)
                .then().statusCode(200).extract().asString();
    }
}
