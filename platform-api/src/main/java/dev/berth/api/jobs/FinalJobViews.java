package dev.berth.api.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * stale and none needs to hear of another replica's writes. Each is kept with its JSON too, written
 * once by the application's mapper: writing the view again was the largest share of a read's CPU.
 */
@ApplicationScoped
public class FinalJobViews {

    /** A final job's view and its JSON as a client is sent it. */
    private record Kept(JobView view, byte[] json) {
    }

    private final Cache<UUID, Kept> views;
    private final Counter hits;
    private final ObjectMapper mapper;

    @Inject
    FinalJobViews(FinalJobViewsConfig config, MeterRegistry registry, ObjectMapper mapper) {
        this.mapper = mapper;
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
        return kept(tenant, id).map(Kept::view);
    }

    /** The JSON of the tenant's final job as it was kept, the bytes {@link #find} would be written as. */
    public Optional<byte[]> json(String tenant, UUID id) {
        return kept(tenant, id).map(Kept::json);
    }

    private Optional<Kept> kept(String tenant, UUID id) {
        Kept kept = views == null ? null : views.getIfPresent(id);
        if (kept == null || !kept.view().tenant().equals(tenant)) {
            return Optional.empty();
        }
        hits.increment();
        return Optional.of(kept);
    }

    /** Keeps a view read from the database if its job is final; an open job's view is never kept. */
    public void keep(JobView view) {
        if (views != null && view.state().isFinal()) {
            try {
                views.put(view.id(), new Kept(view, mapper.writeValueAsBytes(view)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write the view of job " + view.id() + " as JSON: " + e.getOriginalMessage(), e);
            }
        }
    }
}
