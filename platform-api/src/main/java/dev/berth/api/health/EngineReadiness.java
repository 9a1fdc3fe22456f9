package dev.berth.api.health;

import dev.berth.api.policy.PlatformBaselineConfig;
import dev.berth.api.replica.EngineLease;
import dev.berth.api.replica.LocalEngine;
import dev.berth.engine.IsolationEngine;
import dev.berth.policy.PlatformCeilings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only when the host can run rootless jobs (and egress jobs, where the platform offers them) and the replica holds its engine lease (without it
 * it claims nothing), if this replica runs any; reports the runtime, the cgroup version and the
 * lease's epoch.
 */
@Readiness
@ApplicationScoped
public class EngineReadiness implements HealthCheck {

    @Inject
    LocalEngine localEngine;
    @Inject
    EngineLease lease;
    @Inject
    PlatformBaselineConfig baseline;

    @Override
    public HealthCheckResponse call() {
        Optional<IsolationEngine> local = localEngine.get();
        if (local.isEmpty()) {
            return HealthCheckResponse.named("isolation-engine").withData("dispatch", "disabled: this replica runs no jobs").up().build();
        }
        IsolationEngine engine = local.get();
        List<String> problems = new ArrayList<>(engine.readinessProblems());
        if (baseline.ceilings().networkModes().contains(PlatformCeilings.EGRESS_NETWORK)) {
            problems.addAll(engine.egressReadinessProblems());
        }
        HealthCheckResponseBuilder response = HealthCheckResponse.named("isolation-engine")
                .withData("cgroupVersion", engine.cgroupVersion());
        try {
            response.withData("runtime", engine.runtimeVersion());
        } catch (IOException | RuntimeException e) {
            problems.add("the OCI runtime does not answer: " + e.getMessage());
        }
        long epoch = lease.epoch();
        response.withData("leaseEpoch", epoch);
        if (epoch == EngineLease.NONE) {
            problems.add("this replica holds no engine lease, so it claims no jobs: it renews one as soon as PostgreSQL answers "
                    + "(see the berth-engine-lease log lines); a replica that is shutting down has released it");
        }
        for (int i = 0; i < problems.size(); i++) {
            response.withData("problem" + (i + 1), problems.get(i));
        }
        return response.status(problems.isEmpty()).build();
    }
}
