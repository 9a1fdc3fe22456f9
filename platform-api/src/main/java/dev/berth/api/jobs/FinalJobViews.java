package dev.berth.api.jobs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.UUID;

/**
 * The views of final jobs, kept in memory so that the request clients repeat most (a job that
 * has ended, asked for again) needs no database round trip. A final job's view never changes:
 * the database refuses any write to a final job but its log retention mark, which the view does
 * not show, and to its attempts (V16), and jobs are never deleted. So no replica's entry can go
 * stale and none needs to hear of another replica's writes.
 */
@ApplicationScoped
public class FinalJobViews {

    private final Cache<UUID, JobView> views;
    private final Counter hits;

    @Inject
    FinalJobViews(FinalJobViewsConfig config, MeterRegistry registry) {
        this.views = config.maxEntries() > 0 ? Caffeine.newBuilder().maximumSize(config.maxEntries()).build() : null;
        this.hits = Counter.builder("berth.jobs.final.view.cache.hits")
                .description("job reads answered from the final views kept in memory").register(registry);
        if (views != null) {
            Gauge.builder("berth.jobs.final.view.cache.size", views, Cache::estimatedSize)
                    .description("final job views kept in memory").register(registry);
        }
    }

    /** The tenant's final job as it was kept; empty for a job not kept and for another tenant's. */
    public Optional<JobView> find(String tenant, UUID id) {
        JobView view = views == null ? null : views.getIfPresent(id);
        if (view == null || !view.tenant().equals(tenant)) {
            return Optional.empty();
        }
        hits.increment();
        return Optional.of(view);
    }

    /** Keeps a view read from the database if its job is final; an open job's view is never kept. */
    public void keep(JobView view) {
        if (views != null && view.state().isFinal()) {
            views.put(view.id(), view);
        }
    }
}
