package dev.berth.api.dispatch;

import dev.berth.api.lifecycle.JobState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Dispatch as Prometheus sees it at {@code /q/metrics}, per tenant: queued and running jobs (read
 * from the database every few seconds, so they cover all replicas), starts (a counter; starts per
 * second is its rate), the time from submission to start of first attempts (a histogram), and
 * the time each claim transaction takes.
 */
@ApplicationScoped
public class DispatchMetrics {

    private static final Logger LOG = Logger.getLogger(DispatchMetrics.class);
    private static final Duration REFRESH = Duration.ofSeconds(5);

    @Inject
    MeterRegistry registry;
    @Inject
    EntityManager em;

    private MultiGauge queued;
    private MultiGauge running;
    private Timer claims;
    private ScheduledExecutorService timer;

    void start(@Observes StartupEvent event) {
        queued = MultiGauge.builder("berth.jobs.queued").description("jobs waiting to run, retries in backoff included").register(registry);
        running = MultiGauge.builder("berth.jobs.running").description("jobs starting or running on any replica").register(registry);
        claims = Timer.builder("berth.dispatch.claim").description("one claim transaction: choosing the next job and taking it")
                .register(registry);
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("berth-metrics").factory());
        timer.scheduleWithFixedDelay(this::refresh, 0, REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A job's program started; the latency is recorded for first attempts, whose wait is the queue's. */
    void started(String tenant, int attempt, Duration sinceSubmission) {
        Counter.builder("berth.jobs.started").description("job attempts started").tag("tenant", tenant).register(registry).increment();
        if (attempt == 1) {
            Timer.builder("berth.jobs.submit.to.start").description("from submission to the program's start, first attempts")
                    .tag("tenant", tenant).publishPercentileHistogram().register(registry).record(sinceSubmission);
        }
    }

    /** The dispatch decision's cost, whether or not it found a job. */
    void claimed(Duration took) {
        claims.record(took);
    }

    private void refresh() {
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                // Two queries so that each walks its own partial index.
                queued.register(rows(count("state = " + JobState.QUEUED.sql())), true);
                running.register(rows(count("state IN (" + JobState.sql(JobState.ACTIVE) + ")")), true);
            });
        } catch (RuntimeException e) {
            LOG.warnf("cannot refresh the queue metrics: %s", e.getMessage());
        }
    }

    private List<Object[]> count(String condition) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT tenant, count(*) FROM jobs WHERE " + condition + " GROUP BY tenant").getResultList();
        return rows;
    }

    private static List<MultiGauge.Row<?>> rows(List<Object[]> counts) {
        return counts.stream().<MultiGauge.Row<?>>map(row -> MultiGauge.Row.of(Tags.of("tenant", (String) row[0]), ((Number) row[1]).doubleValue()))
                .toList();
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
