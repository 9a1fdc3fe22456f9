package dev.berth.api.audit;

import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.audit.chain.AuditEvent;
import dev.berth.api.audit.chain.AuditKeys;
import dev.berth.api.audit.chain.ExportVerifier;
import dev.berth.api.audit.chain.VerifyResult;
import dev.berth.api.audit.review.AuditExport;
import dev.berth.api.audit.review.AuditQuery;
import dev.berth.api.audit.review.AuditSearch;
import dev.berth.api.audit.review.AuditVerification;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./berth bench audit}: the scale figures on this machine, printed, never asserted
 * as timings. Not part of {@code ./berth test} (surefire only picks up *Test classes).
 * {@code -Daudit.bench.events=N} changes the size (default 1,000,000).
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class AuditBenchmark {

    private static final int EVENTS = Integer.getInteger("audit.bench.events", 1_000_000);
    private static final int BATCH = 1000;
    private static final int SAMPLES = 2000;
    private static final int TENANTS = 100;

    @Inject
    AuditLog audit;
    @Inject
    AuditVerification verification;
    @Inject
    AuditSearch search;
    @Inject
    AuditExport export;
    @Inject
    AuditKeys keys;
    @Inject
    EntityManager em;

    private final List<String> report = new ArrayList<>();

    @Test
    void measure() throws IOException {
        report("audit benchmark, %,d events, %d cores, load average %.1f at start (other builds share this machine)", EVENTS,
                Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        writeCost();
        Instant loadStart = Instant.now();
        bulkLoad();
        Instant loadEnd = Instant.now();
        verifyDatabase();
        query(loadStart, loadEnd);
        exportAndVerifyOffline();
        Path out = Path.of("target", "audit-benchmark.txt");
        Files.write(out, report);
        System.out.println(String.join("\n", report) + "\n(written to " + out.toAbsolutePath() + ")");
    }

    /** What one event adds to a transaction: the same tiny transaction with and without a record, interleaved. */
    private void writeCost() {
        long[] plain = new long[SAMPLES];
        long[] audited = new long[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            long t0 = System.nanoTime();
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("SELECT count(*) FROM tenants").getSingleResult());
            long t1 = System.nanoTime();
            AuditEntry entry = AuditEntry.success("job.submit", "bench-" + (i % TENANTS), "job/" + i).securityDigest("sha256:00");
            QuarkusTransaction.requiringNew().run(() -> {
                em.createNativeQuery("SELECT count(*) FROM tenants").getSingleResult();
                audit.record(entry);
            });
            long t2 = System.nanoTime();
            plain[i] = t1 - t0;
            audited[i] = t2 - t1;
        }
        report("write: transaction median %.3f ms without an event, %.3f ms with one; added median %.3f ms, p99 with event %.3f ms",
                median(plain), median(audited), median(audited) - median(plain), percentile(audited, 0.99));
    }

    private void bulkLoad() {
        int remaining = EVENTS - SAMPLES;
        Instant start = Instant.now();
        for (int done = 0; done < remaining; done += BATCH) {
            List<AuditEntry> batch = new ArrayList<>(BATCH);
            for (int i = done; i < Math.min(remaining, done + BATCH); i++) {
                batch.add(entry(i));
            }
            Provenance who = new Provenance(new AuditEvent.Actor("user-" + (done / BATCH % 50), "user" + (done / BATCH % 50),
                    List.of("tenant-member")), "req-" + done, "10.0.0." + (done / BATCH % 250), "bench/1");
            QuarkusTransaction.requiringNew().run(() -> audit.recordAll(batch, who));
        }
        Duration took = Duration.between(start, Instant.now());
        report("bulk write: %,d events in batches of %d in %.1f s = %,.0f events/s", remaining, BATCH, seconds(took),
                remaining / seconds(took));
    }

    private static AuditEntry entry(int i) {
        String tenant = "bench-" + (i % TENANTS);
        return switch (i % 4) {
            case 0 -> AuditEntry.success("job.submit", tenant, "job/" + i).ruleIds(List.of("user.non-root", "caps.none"))
                    .securityDigest("sha256:5f0c6d2e9b7a4c1d8e3f2a6b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d");
            case 1 -> AuditEntry.success("job.start", tenant, "job/" + i)
                    .securityDigest("sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9");
            case 2 -> AuditEntry.failure("job.end", tenant, "job/" + i).reason("FAILED OOMKilled");
            default -> AuditEntry.denied("policy.deny", tenant, "POST /api/v1/jobs").ruleIds(List.of("user.non-root"))
                    .reason("1 rule(s) refuse this job; see violations");
        };
    }

    /** Twice: the first pass reads a table just written (cold caches, JIT warming up), the second is the steady state. */
    private void verifyDatabase() {
        verifyDatabase("first");
        verifyDatabase("second");
    }

    private void verifyDatabase(String pass) {
        Instant start = Instant.now();
        long cpu = cpuNanos();
        VerifyResult result = verification.verify();
        Duration took = Duration.between(start, Instant.now());
        assertThat(result.valid()).as(result.summary()).isTrue();
        report("verify (database, GET /audit/verify), %s pass: %,d events in %.2f s wall = %,.0f events/s, %.2f s CPU in the JVM; %s",
                pass, result.eventsChecked(), seconds(took), result.eventsChecked() / seconds(took), (cpuNanos() - cpu) / 1e9, result.summary());
    }

    private void query(Instant loadStart, Instant loadEnd) {
        Instant from = loadStart.plus(Duration.between(loadStart, loadEnd).dividedBy(2));
        Instant to = from.plusSeconds(5);
        long[] times = new long[30];
        int found = 0;
        for (int i = 0; i < times.length; i++) {
            long t0 = System.nanoTime();
            found = search.find(new AuditQuery("bench-" + (i % TENANTS), null, null, null, from, to, null, AuditQuery.DEFAULT_LIMIT))
                    .items().size();
            times[i] = System.nanoTime() - t0;
        }
        report("query by tenant and a 5 s time range (first page of %d): median %.2f ms, max %.2f ms (%d items on the last page)",
                AuditQuery.DEFAULT_LIMIT, median(times), Arrays.stream(times).max().orElse(0) / 1e6, found);
    }

    private void exportAndVerifyOffline() throws IOException {
        Path file = Files.createTempFile("berth-audit-bench", ".ndjson");
        try {
            Instant start = Instant.now();
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
                export.write(out);
            }
            Duration exported = Duration.between(start, Instant.now());
            report("export: %,d bytes (%.1f MiB, %.0f bytes/event) in %.1f s", Files.size(file), Files.size(file) / 1048576.0,
                    (double) Files.size(file) / EVENTS, seconds(exported));
            start = Instant.now();
            long cpu = cpuNanos();
            VerifyResult offline = ExportVerifier.verify(file, keys.publicKey());
            Duration took = Duration.between(start, Instant.now());
            assertThat(offline.valid()).as(offline.summary()).isTrue();
            report("verify (export file, as berth audit verify does): %,d events in %.2f s wall, %.2f s CPU",
                    offline.eventsChecked(), seconds(took), (cpuNanos() - cpu) / 1e9);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private void report(String format, Object... args) {
        String line = String.format(format, args);
        report.add(line);
        System.out.println("[audit-bench] " + line);
    }

    /** This thread's CPU time: what the work costs, apart from waiting for cores other builds hold. */
    private static long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private static double median(long[] nanos) {
        return percentile(nanos, 0.5);
    }

    private static double percentile(long[] nanos, double p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))] / 1e6;
    }
}
