package dev.berth.api.replica;

import dev.berth.api.config.BerthConfig;
import dev.berth.engine.IsolationEngine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * This replica's isolation engine, if it runs jobs at all. With {@code berth.dispatch.max-concurrent=0}
 * a replica only accepts, queues and reports jobs (as the API pods on Kubernetes do) while engine
 * replicas on prepared hosts run them; it never creates an engine, so it needs no OCI runtime,
 * delegated cgroups or subordinate IDs of its own.
 */
@ApplicationScoped
public class LocalEngine {

    @Inject
    BerthConfig config;
    @Inject
    Instance<IsolationEngine> engine;

    public boolean runsJobs() {
        return config.dispatch().maxConcurrent() > 0;
    }

    public Optional<IsolationEngine> get() {
        return runsJobs() ? Optional.of(engine.get()) : Optional.empty();
    }
}
