package dev.berth.api.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.audit.chain.VerifyResult;
import dev.berth.api.audit.review.AuditVerification;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Jobs of several tenants submitted, refused, started and ended all at once, each client waiting
 * with long polls: the chain stays gapless and verifies, and every job's life is in it exactly once
 * per transition.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class ConcurrentJobsAuditTest {

    private static final int CLIENTS = 6;
    private static final int JOBS_EACH = 5;

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;
    @Inject
    AuditVerification verification;
    @Inject
    AgroalDataSource dataSource;

    @Test
    void concurrentSubmitsStartsEndsAndRefusalsKeepOneVerifiableChain() throws Exception {
        Set<String> jobs = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Callable<Void>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            String token = EmbeddedPlatformResource.token(dataDir, "client-" + c, List.of("storm-" + (c % 3)), "tenant-member");
            clients.add(() -> {
                for (int i = 0; i < JOBS_EACH; i++) {
                    String id = given().auth().oauth2(token).contentType(ContentType.JSON)
                            .body(Map.of("image", "busybox", "command", List.of("true")))
                            .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
                    jobs.add(id);
                    // A refusal between submissions: its denial is written in a transaction of its own.
                    given().auth().oauth2(token).contentType(ContentType.JSON)
                            .body(Map.of("image", "busybox", "command", List.of("true"), "user", 0))
                            .post("/api/v1/jobs").then().statusCode(422);
                    String state = "QUEUED";
                    while (!Set.of("SUCCEEDED", "FAILED", "CANCELLED").contains(state)) {
                        state = given().auth().oauth2(token).queryParam("wait", "30s").get("/api/v1/jobs/" + id)
                                .then().statusCode(200).extract().path("state");
                    }
                    assertThat(state).isEqualTo("SUCCEEDED");
                }
                return null;
            });
        }
        for (Future<Void> client : pool.invokeAll(clients)) {
            client.get();
        }
        pool.shutdown();

        assertThat(jobs).hasSize(CLIENTS * JOBS_EACH);
        Map<String, Long> transitions = new HashMap<>();
        for (String action : List.of("job.submit", "job.start", "job.end")) {
            transitions.put(action, count("action = ? AND target = ANY (?)", action, jobs));
        }
        assertThat(transitions).containsOnly(Map.entry("job.submit", (long) jobs.size()), Map.entry("job.start", (long) jobs.size()),
                Map.entry("job.end", (long) jobs.size()));
        assertThat(count("TRUE", null, Set.of())).as("gapless: as many events as the head's sequence number").isEqualTo(head());
        VerifyResult result = verification.verify();
        assertThat(result.valid()).as(result.summary()).isTrue();
        assertThat(result.eventsChecked()).isEqualTo(head());
    }

    private long head() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             ResultSet row = connection.createStatement().executeQuery("SELECT seq FROM audit_head")) {
            row.next();
            return row.getLong(1);
        }
    }

    private long count(String where, String action, Set<String> jobs) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM audit_events WHERE " + where)) {
            if (action != null) {
                query.setString(1, action);
                query.setArray(2, connection.createArrayOf("text", jobs.stream().map(id -> "job/" + id).toArray()));
            }
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
