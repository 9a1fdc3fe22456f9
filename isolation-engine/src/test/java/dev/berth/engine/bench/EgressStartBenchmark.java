package dev.berth.engine.bench;

import dev.berth.engine.EngineConfig;
import dev.berth.engine.IsolationEngine;
import dev.berth.engine.JobOutcome;
import dev.berth.engine.host.HostIdentity;
import dev.berth.engine.host.SubordinateIds;
import dev.berth.engine.image.DirectoryImageStore;
import dev.berth.engine.image.FileTrees;
import dev.berth.engine.network.EgressSettings;
import dev.berth.policy.Admission;
import dev.berth.policy.AdmissionContext;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.IdRange;
import dev.berth.policy.JobAdmission;
import dev.berth.policy.JobRequest;
import dev.berth.policy.PlatformCeilings;
import dev.berth.policy.ServiceIdentity;
import dev.berth.policy.egress.EgressRule;
import dev.berth.policy.tenant.TenantPolicy;
import dev.berth.policy.tenant.TenantQuota;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What network mode egress adds to a job's start (./berth bench egress [RUNS]): busybox
 * {@code true} through the engine with network none and with network egress (pasta, the nftables
 * table, the resolver and their read-back, on this host's own uplink), interleaved in random order
 * so that drift and the load of other work hit both alike, timed to the reported outcome.
 */
public final class EgressStartBenchmark {

    private static final Path IMAGES = Path.of("/var/lib/berth/images");

    private EgressStartBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path work = Files.createTempDirectory("berth-egress-bench");
        EngineConfig config = new EngineConfig(Path.of("/usr/bin/crun"), work.resolve("engine"), IMAGES, "/berth", 1 << 20, Duration.ofSeconds(2));
        try {
            measure(runs, work, config);
        } finally {
            FileTrees.remove(work);
        }
    }

    private static void measure(int runs, Path work, EngineConfig config) throws Exception {
        try (IsolationEngine engine = IsolationEngine.create(config, new DirectoryImageStore(IMAGES), EgressSettings.host(List.of()))) {
            if (!engine.readinessProblems().isEmpty()) {
                throw new IllegalStateException("the host is not prepared: " + engine.readinessProblems());
            }
            ExecutionPlan none = plan(null);
            ExecutionPlan egress = plan("egress");
            List<Double> noneMs = new ArrayList<>();
            List<Double> egressMs = new ArrayList<>();
            time(engine, none, work);
            time(engine, egress, work);
            Random random = new Random(20);
            for (int i = 0; i < runs; i++) {
                if (random.nextBoolean()) {
                    noneMs.add(time(engine, none, work));
                    egressMs.add(time(engine, egress, work));
                } else {
                    egressMs.add(time(engine, egress, work));
                    noneMs.add(time(engine, none, work));
                }
            }
            System.out.printf("busybox true, %d runs each, interleaved; load average now %s%n", runs,
                    Files.readString(Path.of("/proc/loadavg")).strip());
            System.out.printf("%-8s %8s %8s%n", "", "median", "p90");
            System.out.printf("%-8s %6.0f ms %6.0f ms%n", "none", percentile(noneMs, 50), percentile(noneMs, 90));
            System.out.printf("%-8s %6.0f ms %6.0f ms%n", "egress", percentile(egressMs, 50), percentile(egressMs, 90));
            System.out.printf("ratio egress / none: %.2f (+%.0f ms per start)%n", percentile(egressMs, 50) / percentile(noneMs, 50),
                    percentile(egressMs, 50) - percentile(noneMs, 50));
        }
    }

    private static double time(IsolationEngine engine, ExecutionPlan plan, Path work) throws Exception {
        long start = System.nanoTime();
        var job = engine.start(plan, Files.createTempDirectory(work, "logs"));
        JobOutcome outcome = job.outcome().get(120, TimeUnit.SECONDS);
        double ms = (System.nanoTime() - start) / 1e6;
        job.released().get(120, TimeUnit.SECONDS);
        if (outcome.reason().isPresent() || !outcome.exitCode().equals(java.util.Optional.of(0))) {
            throw new IllegalStateException("the job did not succeed: " + outcome.detail());
        }
        return ms;
    }

    private static ExecutionPlan plan(String network) throws Exception {
        HostIdentity self = HostIdentity.current();
        SubordinateIds block = SubordinateIds.of(Path.of("/etc/subuid"), self).orElseThrow();
        IdRange range = new IdRange(block.start() + 7L * IdRange.TENANT_RANGE_SIZE, IdRange.TENANT_RANGE_SIZE);
        TenantPolicy policy = new TenantPolicy("baseline", null, null, null, List.of("none", "egress"), null, null, null, null,
                List.of(new EgressRule("198.51.100.10", "443", null)));
        AdmissionContext context = new AdmissionContext("bench", range, new ServiceIdentity(self.uid(), self.gid()), policy, TenantQuota.defaults());
        PlatformCeilings ceilings = new PlatformCeilings(1000, 2000, 256, 4096, 256, 1024, 64, 1024, 3600, 86_400, 5, 1024, 1000, Set.of(),
                Set.of("none", "egress"), PlatformCeilings.DEFAULT_SECCOMP_PROFILE);
        JobRequest request = new JobRequest("busybox", List.of("true"), null, null, null, null, null, null, null, null, network);
        Admission admission = new JobAdmission(ceilings).admit(request, context);
        if (!(admission instanceof Admission.Admitted admitted)) {
            throw new IllegalStateException("not admitted: " + admission);
        }
        return admitted.plan();
    }

    private static double percentile(List<Double> values, int percent) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
    }
}
