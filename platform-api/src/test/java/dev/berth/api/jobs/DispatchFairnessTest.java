package dev.berth.api.jobs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.EmbeddedPlatformResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher shares this replica fairly: a tenant with a long queue does not hold up another
 * tenant's job, a tenant at its quota waits, and the host's capacity (its cores x 1000 CPU millis)
 * is never promised twice.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class DispatchFairnessTest {

    private static final Logger LOG = Logger.getLogger(DispatchFairnessTest.class);

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;

    @ConfigProperty(name = "berth.dispatch.max-concurrent")
    int maxConcurrent;

    private JobsApi api;

    @BeforeEach
    void setUp() {
        api = new JobsApi(dataDir);
    }

    private record Attempt(String tenant, Instant claimed, Instant finished) {
    }

    private Attempt attempt(String tenant, String id) throws InterruptedException {
        JsonPath job = api.awaitFinal(tenant, id);
        assertThat(job.getString("state")).as(job.prettify()).isEqualTo("SUCCEEDED");
        return new Attempt(tenant, Instant.parse(job.getString("history[0].claimedAt")), Instant.parse(job.getString("history[0].finishedAt")));
    }

    @Test
    void aLongQueueDoesNotDelayAnotherTenantsSingleJobByMoreThanOneRound() throws Exception {
        List<String> flood = new ArrayList<>();
        Map<String, Object> oneCore = Map.of("image", "busybox", "command", List.of("sleep", "0.4"), "resources", Map.of("cpuMillis", 1000));
        for (int i = 0; i < 16; i++) {
            flood.add(api.submit("flood", oneCore));
        }
        // Let the flood fill the host, then a single job of another tenant arrives behind 14 queued ones.
        api.awaitState("flood", flood.get(1), java.util.Set.of("RUNNING", "SUCCEEDED"), Duration.ofSeconds(60));
        Instant submitted = Instant.now();
        String single = api.submit("single", oneCore);

        Attempt lone = attempt("single", single);
        List<Attempt> floodAttempts = new ArrayList<>();
        for (String id : flood) {
            floodAttempts.add(attempt("flood", id));
        }
        long claimedBefore = floodAttempts.stream()
                .filter(a -> a.claimed().isAfter(submitted) && a.claimed().isBefore(lone.claimed())).count();
        LOG.infof("fair share: the single job waited %d ms for a slot; %d flood job(s) were claimed before it after it was submitted",
                Duration.between(submitted, lone.claimed()).toMillis(), claimedBefore);
        assertThat(claimedBefore).as("flood jobs claimed between the single job's submission and its claim").isLessThanOrEqualTo(1);

        // Never more CPU promised at once than the host has: at most one one-core job per core of
        // this host overlaps, and never more jobs than the replica runs at once.
        int cores = Runtime.getRuntime().availableProcessors();
        int slots = Math.min(cores, maxConcurrent);
        List<Attempt> all = new ArrayList<>(floodAttempts);
        all.add(lone);
        for (Attempt a : all) {
            long overlapping = all.stream().filter(b -> b.claimed().isBefore(a.claimed().plusNanos(1)) && b.finished().isAfter(a.claimed())).count();
            assertThat(overlapping).as("jobs holding a core when a job was claimed at %s, on a host with %d cores running at most %d jobs",
                    a.claimed(), cores, maxConcurrent).isLessThanOrEqualTo(slots);
        }
    }

    @Test
    void aTenantAtItsCpuQuotaWaitsInsteadOfBeingRefused() throws Exception {
        api.setQuota("narrow", 4, 1000, 1L << 30);
        Map<String, Object> oneCore = Map.of("image", "busybox", "command", List.of("sleep", "0.5"), "resources", Map.of("cpuMillis", 1000));
        String first = api.submit("narrow", oneCore);
        String second = api.submit("narrow", oneCore);
        Attempt a = attempt("narrow", first);
        Attempt b = attempt("narrow", second);
        assertThat(b.claimed()).as("the second job starts only when the first gave its CPU back").isAfterOrEqualTo(a.finished());
    }

    @Test
    void metricsCountStartsAndSubmitToStartLatencyPerTenant() throws Exception {
        String id = api.submit("metered", Map.of("image", "busybox", "command", List.of("true")));
        attempt("metered", id);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("berth_jobs_started_total{tenant=\"metered\"} 1.0");
        assertThat(metrics).contains("berth_jobs_submit_to_start_seconds_count{tenant=\"metered\"} 1");
        assertThat(metrics).contains("berth_jobs_submit_to_start_seconds_bucket{tenant=\"metered\"");
    }
}
