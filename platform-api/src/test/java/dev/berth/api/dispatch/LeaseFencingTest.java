package dev.berth.api.dispatch;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.jobs.JobLogs;
import dev.berth.api.lifecycle.Job;
import dev.berth.api.lifecycle.JobLifecycle;
import dev.berth.api.lifecycle.JobState;
import dev.berth.api.replica.EngineLease;
import dev.berth.api.replica.LeaseLost;
import dev.berth.engine.JobOutcome;
import dev.berth.engine.JobStart;
import dev.berth.engine.Usage;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Leases, fencing and the reaper against a real PostgreSQL, without containers: this replica runs
 * no jobs (so no dispatcher claims behind the test's back), its background reaper is slowed to an
 * hour, and the test plays the engine replicas by claiming and recording under leases of its own.
 */
@QuarkusTest
@TestProfile(LeaseFencingTest.Reaping.class)
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class LeaseFencingTest {

    public static class Reaping implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("berth.dispatch.max-concurrent", "0", "berth.engine.runtime", "/nonexistent/crun",
                    "berth.lease.reap-interval", "1h", "berth.lease.renew-interval", "200ms", "berth.lease.duration", "2s",
                    "berth.dispatch.retry-backoff", "100ms");
        }
    }

    /** Hears this replica's lease losses, as the dispatcher does. */
    @ApplicationScoped
    static class Losses {
        private final List<Long> epochs = new CopyOnWriteArrayList<>();

        void lost(@Observes LeaseLost loss) {
            epochs.add(loss.epoch());
        }

        boolean heard(long epoch) {
            return epochs.contains(epoch);
        }
    }

    private static final JobOutcome SUCCESS = new JobOutcome(Optional.of(0), Optional.empty(), "exited 0", new Usage(0.1, 1024, 0.2),
            Optional.empty(), null);

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;
    @Inject
    JobLifecycle lifecycle;
    @Inject
    LeaseReaper reaper;
    @Inject
    JobLogs logs;
    @Inject
    EngineLease lease;
    @Inject
    Losses losses;
    @Inject
    EntityManager em;

    @Test
    void aLostAttemptIsEndedOnceAsNodeLostRetriedAndNeverOverwrittenByItsReplica() throws Exception {
        String tenant = "fenced";
        String token = EmbeddedPlatformResource.token(dataDir, "fran", List.of(tenant), "tenant-member");
        UUID id = submit(token, 1);
        long first = leaseOf("engine-a");
        Job claimed = claim(id, first);
        assertThat(claimed.leaseEpoch).isEqualTo(first);
        long other = leaseOf("engine-b");

        assertThat(lifecycle.started(id, 1, other, new JobStart(Instant.now(), null, null))).as("a start under another epoch").isFalse();
        assertThat(lifecycle.finished(id, 1, other, SUCCESS, 0, false)).as("an end under another epoch").isEmpty();
        assertThat(logs.append(id, tenant, 1, first, "stdout", 0, bytes("before the loss\n"))).isTrue();

        expire(first);
        assertThat(lifecycle.finished(id, 1, first, SUCCESS, 0, false)).as("an end under an expired lease").isEmpty();
        assertThat(logs.append(id, tenant, 1, first, "stdout", 16, bytes("after\n"))).as("output under an expired lease").isFalse();
        assertThat(view(token, id).getString("state")).as("nothing the fence refused was written").isEqualTo("STARTING");

        assertThat(reaper.reap()).isEqualTo(1);
        JsonPath lost = view(token, id);
        assertThat(lost.getString("state")).isEqualTo("QUEUED");
        assertThat(lost.getString("reason")).isEqualTo("NodeLost");
        assertThat(lost.getString("history[0].reason")).isEqualTo("NodeLost");
        assertThat(lost.getString("history[0].detail")).contains("lease epoch " + first);
        assertThat(reaper.reap()).as("an attempt is reaped once").isZero();

        Job retry = claim(id, other);
        assertThat(retry.attempts).isEqualTo(2);
        assertThat(lifecycle.finished(id, 1, first, SUCCESS, 0, false)).as("the lost attempt's replica comes back").isEmpty();
        assertThat(lifecycle.finished(id, 2, other, SUCCESS, 0, false)).contains(JobState.SUCCEEDED);
        assertThat(lifecycle.finished(id, 2, other, SUCCESS, 0, false)).as("a final job takes no second end").isEmpty();
        JsonPath done = view(token, id);
        assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
        assertThat(done.getList("history.runner")).hasSize(2);
        assertThat(given().auth().oauth2(token).get("/api/v1/jobs/" + id + "/logs?attempt=1").then().statusCode(200).extract().asString())
                .isEqualTo("before the loss\n");

        UUID once = submit(token, 0);
        long third = leaseOf("engine-c");
        claim(once, third);
        expire(third);
        assertThat(reaper.reap()).isEqualTo(1);
        JsonPath failed = view(token, once);
        assertThat(failed.getString("state")).as("no retries left").isEqualTo("FAILED");
        assertThat(failed.getString("reason")).isEqualTo("NodeLost");

        String auditor = EmbeddedPlatformResource.token(dataDir, "audrey", List.of(), "auditor");
        List<String> reasons = given().auth().oauth2(auditor).queryParam("tenant", tenant).get("/api/v1/audit?limit=100").then().statusCode(200)
                .extract().jsonPath().getList("items.reason", String.class);
        assertThat(reasons).anyMatch(reason -> reason != null && reason.contains("NodeLost; retrying"));
        assertThat(reasons).contains("FAILED NodeLost");
        assertThat(given().auth().oauth2(auditor).get("/api/v1/audit/verify").then().statusCode(200).extract().jsonPath().getBoolean("valid"))
                .as("the audit chain stays gapless").isTrue();
    }

    @Test
    void reapersOfSeveralReplicasAtOnceEndEachLostAttemptExactlyOnce() throws Exception {
        // Four tenants of four jobs each: a tenant's default quota allows four running jobs.
        long epoch = leaseOf("engine-herd");
        List<UUID> ids = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            String token = EmbeddedPlatformResource.token(dataDir, "hal", List.of("herd-" + t), "tenant-member");
            for (int i = 0; i < 4; i++) {
                UUID id = submit(token, 0);
                claim(id, epoch);
                ids.add(id);
                tokens.add(token);
            }
        }
        expire(epoch);
        ExecutorService replicas = Executors.newFixedThreadPool(4);
        List<Future<Integer>> reaped = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            reaped.add(replicas.submit(() -> {
                int total = 0;
                int batch;
                do {
                    batch = lifecycle.reapLost(3);
                    total += batch;
                } while (batch > 0);
                return total;
            }));
        }
        int total = 0;
        for (Future<Integer> future : reaped) {
            total += future.get();
        }
        replicas.shutdown();
        assertThat(total).isEqualTo(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            assertThat(view(tokens.get(i), ids.get(i)).getString("state")).isEqualTo("FAILED");
        }
        long ends = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT count(*) FROM audit_events WHERE tenant LIKE 'herd-%' AND action = 'job.end'")
                .getSingleResult()).longValue());
        assertThat(ends).as("one audit event per lost attempt").isEqualTo(ids.size());
    }

    @Test
    void aLeaseFoundExpiredIsGivenUpAndANewEpochTaken() throws Exception {
        long first = lease.acquire();
        assertThat(lease.held()).isTrue();
        assertThat(lease.epoch()).isEqualTo(first);
        expire(first);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!losses.heard(first) || lease.epoch() == EngineLease.NONE) {
            assertThat(Instant.now()).as("the renewal notices the expiry").isBefore(deadline);
            Thread.sleep(50);
        }
        assertThat(lease.epoch()).as("a new fencing token").isGreaterThan(first);
        lease.release();
        assertThat(lease.held()).isFalse();
    }

    private UUID submit(String token, int retries) {
        return UUID.fromString(given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("image", "busybox", "command", List.of("true"), "retries", retries))
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id"));
    }

    /** Plays an engine replica taking a lease: a row as EngineLease writes it, valid for an hour. */
    private long leaseOf(String replica) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                        "INSERT INTO engine_leases (replica, epoch, acquired_at, renewed_at, expires_at) "
                                + "VALUES (:replica, nextval('engine_lease_epoch_seq'), now(), now(), now() + interval '1 hour') RETURNING epoch")
                .setParameter("replica", replica).getSingleResult()).longValue());
    }

    /** The replica holding the lease stopped renewing it, long enough ago. */
    private void expire(long epoch) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                        "UPDATE engine_leases SET expires_at = now() - interval '1 second' WHERE epoch = :epoch")
                .setParameter("epoch", epoch).executeUpdate());
    }

    /** Claims the queued job (the only one waiting) under the epoch, once its retry backoff has passed. */
    private Job claim(UUID id, long epoch) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        Optional<Job> job;
        while ((job = lifecycle.claimNext(100_000, 1_000_000, epoch)).isEmpty()) {
            assertThat(Instant.now()).as("job %s claimable", id).isBefore(deadline);
            Thread.sleep(50);
        }
        assertThat(job.get().id).isEqualTo(id);
        return job.get();
    }

    private static JsonPath view(String token, UUID id) {
        return given().auth().oauth2(token).get("/api/v1/jobs/" + id).then().statusCode(200).extract().jsonPath();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
