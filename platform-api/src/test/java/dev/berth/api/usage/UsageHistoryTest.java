package dev.berth.api.usage;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.containsString;

import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.JobPolling;
import dev.berth.api.usage.history.UsageChart;
import dev.berth.api.usage.history.UsagePeriod;
import dev.berth.api.usage.history.UsageSeries;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Usage history: the jobs a tenant ran are counted in its hourly and daily buckets, with the CPU,
 * memory and queue wait its attempts recorded, and each tenant keeps a bounded number of buckets.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class UsageHistoryTest {

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;
    @Inject
    EntityManager em;
    @Inject
    UsageSeries series;

    @Test
    void theJobsATenantRanAreCountedInItsHoursAndDaysAsItsAttemptsRecordedThem() throws InterruptedException {
        String member = EmbeddedPlatformResource.token(dataDir, "uma", List.of("usage-a"), "tenant-member");
        List<String> jobs = List.of(
                submit(member, Map.of("image", "busybox", "command", List.of("sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done"))),
                submit(member, Map.of("image", "busybox", "command", List.of("sh", "-c", "exit 3"))),
                // Two attempts, both failing: two starts, one failed job; the retry's wait includes its backoff.
                submit(member, Map.of("image", "busybox", "command", List.of("sh", "-c", "exit 1"), "retries", 1)));
        for (String job : jobs) {
            JobPolling.awaitFinal(member, job, Duration.ofSeconds(90));
        }

        // What the attempts themselves recorded, read apart from the buckets.
        Object[] attempts = single("SELECT count(*), COALESCE(sum(cpu_seconds), 0), COALESCE(max(peak_memory_bytes), 0) FROM job_attempts "
                + "WHERE tenant = 'usage-a'");
        Object[] waits = single("SELECT sum(EXTRACT(EPOCH FROM (a.claimed_at - CASE WHEN a.attempt = 1 THEN j.created_at ELSE p.finished_at END))), "
                + "max(EXTRACT(EPOCH FROM (a.claimed_at - CASE WHEN a.attempt = 1 THEN j.created_at ELSE p.finished_at END))) "
                + "FROM job_attempts a JOIN jobs j ON j.id = a.job_id LEFT JOIN job_attempts p ON p.job_id = a.job_id AND p.attempt = a.attempt - 1 "
                + "WHERE a.tenant = 'usage-a'");
        assertThat(((Number) attempts[0]).intValue()).isEqualTo(4);
        for (String period : List.of("hour", "day")) {
            // Summed over buckets: the jobs may have run across the turn of an hour.
            Object[] buckets = single("SELECT sum(jobs_started), sum(jobs_succeeded), sum(jobs_failed), sum(jobs_cancelled), sum(cpu_seconds), "
                    + "max(peak_memory_bytes), sum(queue_waits), sum(queue_wait_seconds), max(queue_wait_max) FROM usage_buckets "
                    + "WHERE tenant = 'usage-a' AND period = '" + period + "'");
            assertThat(((Number) buckets[0]).intValue()).as("attempts started per %s", period).isEqualTo(4);
            assertThat(((Number) buckets[1]).intValue()).as("jobs succeeded per %s", period).isEqualTo(1);
            assertThat(((Number) buckets[2]).intValue()).as("jobs failed per %s", period).isEqualTo(2);
            assertThat(((Number) buckets[3]).intValue()).isZero();
            assertThat(((Number) buckets[4]).doubleValue()).as("CPU seconds per %s", period)
                    .isCloseTo(((Number) attempts[1]).doubleValue(), within(1e-9)).isPositive();
            assertThat(((Number) buckets[5]).longValue()).isEqualTo(((Number) attempts[2]).longValue()).isPositive();
            assertThat(((Number) buckets[6]).intValue()).isEqualTo(4);
            assertThat(((Number) buckets[7]).doubleValue()).isCloseTo(((Number) waits[0]).doubleValue(), within(1e-3));
            assertThat(((Number) buckets[8]).doubleValue()).isCloseTo(((Number) waits[1]).doubleValue(), within(1e-3));
        }

        UsageChart hours = series.of("usage-a", UsagePeriod.HOUR, Instant.now());
        assertThat(hours.times()).hasSize(48);
        assertThat(hours.times().getLast()).isEqualTo(Instant.now().truncatedTo(ChronoUnit.HOURS).getEpochSecond());
        assertThat(hours.started().stream().mapToInt(Integer::intValue).sum()).isEqualTo(4);
        assertThat(hours.succeeded().stream().mapToInt(Integer::intValue).sum()).isEqualTo(1);
        assertThat(hours.failed().stream().mapToInt(Integer::intValue).sum()).isEqualTo(2);
        assertThat(hours.rows()).isNotEmpty().allSatisfy(row -> assertThat(row.bucket()).endsWith(":00:00Z"));
        assertThat(series.of("usage-a", UsagePeriod.DAY, Instant.now()).times()).hasSize(30);
        // The API answers the same series; an unknown period is a malformed request.
        assertThat(given().auth().oauth2(member).queryParam("period", "day").get("/api/v1/usage/history").then().statusCode(200)
                .extract().jsonPath().getList("started", Integer.class).stream().mapToInt(Integer::intValue).sum()).isEqualTo(4);
        given().auth().oauth2(member).queryParam("period", "week").get("/api/v1/usage/history").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("\"hour\" or \"day\""));
        String admin = EmbeddedPlatformResource.token(dataDir, "ada", List.of(), "platform-admin");
        given().auth().oauth2(admin).get("/api/v1/admin/tenants/usage-nobody/usage/history").then().statusCode(404);
        // Another tenant's chart shows none of it.
        UsageChart other = series.of("usage-nobody", UsagePeriod.HOUR, Instant.now());
        assertThat(other.started().stream().mapToInt(Integer::intValue).sum()).isZero();
        assertThat(other.rows()).isEmpty();
    }

    @Test
    void eachTenantKeepsItsBucketsForTheRetentionOfTheirPeriodOnly() throws InterruptedException {
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        Instant day = Instant.now().truncatedTo(ChronoUnit.DAYS);
        // Buckets of an earlier life of the platform, past and within the default retention (14 days of hours, 400 of days).
        for (Object[] old : List.of(new Object[] {"hour", hour.minus(20, ChronoUnit.DAYS)}, new Object[] {"hour", hour.minus(13, ChronoUnit.DAYS)},
                new Object[] {"day", day.minus(500, ChronoUnit.DAYS)}, new Object[] {"day", day.minus(100, ChronoUnit.DAYS)})) {
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("INSERT INTO usage_buckets (tenant, period, bucket_start, jobs_started) "
                    + "VALUES ('usage-old', :period, :start, 1)").setParameter("period", old[0]).setParameter("start", old[1]).executeUpdate());
        }
        String member = EmbeddedPlatformResource.token(dataDir, "olga", List.of("usage-old"), "tenant-member");
        JobPolling.awaitFinal(member, submit(member, Map.of("image", "busybox", "command", List.of("true"))), Duration.ofSeconds(60));

        List<?> hours = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("SELECT bucket_start FROM usage_buckets "
                + "WHERE tenant = 'usage-old' AND period = 'hour' AND bucket_start < :recent").setParameter("recent", hour.minus(1, ChronoUnit.DAYS))
                .getResultList());
        List<?> days = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("SELECT bucket_start FROM usage_buckets "
                + "WHERE tenant = 'usage-old' AND period = 'day' AND bucket_start < :recent").setParameter("recent", day.minus(1, ChronoUnit.DAYS))
                .getResultList());
        assertThat(hours).as("hourly buckets older than a day: the 13-day-old one only").hasSize(1);
        assertThat(days).as("daily buckets older than a day: the 100-day-old one only").hasSize(1);
        assertThat(((Number) single("SELECT count(*) FROM usage_buckets WHERE tenant = 'usage-old' AND bucket_start >= :recent",
                hour.minus(1, ChronoUnit.DAYS))[0]).intValue()).as("the buckets of the job just run").isGreaterThanOrEqualTo(2);
    }

    private static String submit(String token, Map<String, Object> job) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(job).post("/api/v1/jobs").then().statusCode(201).extract().path("id");
    }

    private Object[] single(String sql) {
        return QuarkusTransaction.requiringNew().call(() -> (Object[]) em.createNativeQuery(sql).getSingleResult());
    }

    private Object[] single(String sql, Instant recent) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Object result = em.createNativeQuery(sql).setParameter("recent", recent).getSingleResult();
            return result instanceof Object[] row ? row : new Object[] {result};
        });
    }
}
