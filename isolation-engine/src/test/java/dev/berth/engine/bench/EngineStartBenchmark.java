package dev.berth.engine.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.engine.EngineConfig;
import dev.berth.engine.IsolationEngine;
import dev.berth.engine.JobOutcome;
import dev.berth.engine.RunningJob;
import dev.berth.engine.host.HostIdentity;
import dev.berth.engine.host.SubordinateIds;
import dev.berth.engine.image.DirectoryImageStore;
import dev.berth.engine.image.ImageLibrary;
import dev.berth.engine.image.PreparedImage;
import dev.berth.engine.image.ResolvedImage;
import dev.berth.engine.seccomp.SeccompCompiler;
import dev.berth.engine.spec.BundleContext;
import dev.berth.engine.spec.OciSpecBuilder;
import dev.berth.engine.spec.OverlayRoot;
import dev.berth.engine.testing.CpuTimes;
import dev.berth.engine.testing.TestLayers;
import dev.berth.policy.Admission;
import dev.berth.policy.AdmissionContext;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.IdRange;
import dev.berth.policy.JobAdmission;
import dev.berth.policy.JobRequest;
import dev.berth.policy.PlatformCeilings;
import dev.berth.policy.ServiceIdentity;
import dev.berth.policy.seccomp.SeccompProfile;
import dev.berth.policy.seccomp.SeccompProfiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Job start cost of the engine against bare crun on the same bundle, measured side by side in one
 * run (./berth bench engine). Five ways to run busybox {@code true}, interleaved in random order
 * so drift hits them alike:
 * <ul>
 *   <li>engine: a whole job through the engine (bundle, cgroup, start gate with kernel checks,
 *       logs) with its precompiled seccomp program, timed to its reported outcome, which goes out
 *       before the clean-up; engine-released adds the clean-up (container, cgroup, bundle removed);</li>
 *   <li>crun-bpf: {@code crun run} of the same spec without the start gate, same precompiled program;</li>
 *   <li>crun-json: {@code crun run} of the same spec with the JSON profile crun compiles on each start;</li>
 *   <li>crun-bind: crun-bpf without the overlay root hook, the image bind-mounted as the root as it
 *       was before (its host path then shows in the job's mountinfo): what the overlay root costs;</li>
 *   <li>engine-stored: the engine job again, its busybox taken from the content-addressed image
 *       store (imported as a root filesystem tar and unpacked once) instead of the built-in directory.</li>
 * </ul>
 * Then containers per second with 4 in parallel, engine against crun-bpf. With a second argument,
 * the medians and rates are also written to that file (Java properties) for ./berth bench jobs,
 * which sets the API's figures beside them.
 */
public final class EngineStartBenchmark {

    private static final Path CRUN = Path.of("/usr/bin/crun");
    private static final Path IMAGES = Path.of("/var/lib/berth/images");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path work;
    private final IsolationEngine engine;
    private final ExecutionPlan plan;
    private final ExecutionPlan storedPlan;
    private final ImageLibrary library;
    private final ResolvedImage image;
    private final String bpf;
    private final Path overlayRoot;
    private int counter;

    private EngineStartBenchmark(Path work) throws IOException {
        this.work = work;
        EngineConfig config = new EngineConfig(CRUN, work.resolve("engine"), IMAGES, "/berth", 1 << 20, Duration.ofSeconds(2));
        this.library = ImageLibrary.open(new ImageLibrary.Settings(work.resolve("images"), Path.of("/usr/bin/skopeo"), Set.of(),
                1L << 30, Duration.ofMinutes(1), Optional.empty()), new DirectoryImageStore(IMAGES));
        this.engine = IsolationEngine.create(config, library);
        if (!engine.readinessProblems().isEmpty()) {
            throw new IllegalStateException("host not prepared: " + engine.readinessProblems());
        }
        this.plan = plan();
        PreparedImage stored = library.importRootfsTar(new ByteArrayInputStream(TestLayers.tarOf(IMAGES.resolve("busybox/rootfs"))));
        this.storedPlan = plan.withImage("busybox-stored@" + stored.digest());
        this.image = new DirectoryImageStore(IMAGES).resolve("busybox").orElseThrow(
                () -> new IllegalStateException("no busybox image: run ./berth up once as root"));
        this.bpf = Base64.getEncoder().encodeToString(SeccompCompiler.install(work.resolve("bin")).compile(seccomp()));
        this.overlayRoot = OverlayRoot.install(work.resolve("bin"));
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Optional<Path> results = args.length > 1 ? Optional.of(Path.of(args[1])) : Optional.empty();
        Path work = Files.createTempDirectory("berth-bench");
        EngineStartBenchmark bench = new EngineStartBenchmark(work);
        try {
            Properties measured = bench.measure(runs);
            if (results.isPresent()) {
                try (var out = Files.newBufferedWriter(results.get())) {
                    measured.store(out, "./berth bench engine " + runs);
                }
            }
        } finally {
            bench.engine.close();
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private Properties measure(int runs) throws Exception {
        for (int warmup = 0; warmup < 3; warmup++) {
            engineStart(plan);
            engineStart(storedPlan);
            bareStart(Bare.BPF);
            bareStart(Bare.JSON);
            bareStart(Bare.BIND);
        }
        List<Double> engineMs = new ArrayList<>();
        List<Double> releasedMs = new ArrayList<>();
        List<Double> bpfMs = new ArrayList<>();
        List<Double> jsonMs = new ArrayList<>();
        List<Double> storedMs = new ArrayList<>();
        List<Double> bindMs = new ArrayList<>();
        // Each round runs them all in a new random order: a start pays for the kernel's deferred
        // teardown of the one before it, which a fixed order would charge to the same contestant.
        Random order = new Random(42);
        for (int i = 0; i < runs; i++) {
            List<Runnable> round = new ArrayList<>(List.of(
                    () -> releasedMs.add(unchecked(() -> {
                        double[] times = engineTimes(plan);
                        engineMs.add(times[0]);
                        return times[1];
                    })),
                    () -> storedMs.add(unchecked(() -> engineStart(storedPlan))),
                    () -> bpfMs.add(unchecked(() -> bareStart(Bare.BPF))),
                    () -> jsonMs.add(unchecked(() -> bareStart(Bare.JSON))),
                    () -> bindMs.add(unchecked(() -> bareStart(Bare.BIND)))));
            Collections.shuffle(round, order);
            round.forEach(Runnable::run);
        }
        System.out.printf("%d sequential starts of busybox true each, interleaved (ms)%n", runs);
        System.out.printf("%-14s %8s %8s%n", "", "median", "p95");
        print("engine", engineMs);
        print("engine-released", releasedMs);
        print("crun-bpf", bpfMs);
        print("crun-json", jsonMs);
        print("engine-stored", storedMs);
        print("crun-bind", bindMs);
        System.out.printf("ratio engine / crun-bpf (same precompiled profile): %.2f (goal <= 1.1)%n", median(engineMs) / median(bpfMs));
        System.out.printf("ratio engine / crun-json (crun compiling JSON):    %.2f (goal <= 0.5)%n", median(engineMs) / median(jsonMs));

        System.out.printf("engine-stored - engine (stored image vs built-in directory): %+.2f ms (goal <= 1 ms)%n",
                median(storedMs) - median(engineMs));
        System.out.printf("crun-bpf - crun-bind (overlay root vs the image bind-mounted as root): %+.2f ms%n",
                median(bpfMs) - median(bindMs));
        printResolveCost();

        int parallelJobs = Math.max(40, runs);
        double cpuBefore = CpuTimes.machineBusyMillis();
        double engineRate = parallel(parallelJobs, () -> engineStart(plan));
        double engineCpu = (CpuTimes.machineBusyMillis() - cpuBefore) / parallelJobs;
        double bareRate = parallel(parallelJobs, () -> bareStart(Bare.BPF));
        System.out.printf("%d containers, 4 in parallel: engine %.1f/s, crun-bpf %.1f/s, ratio %.2f; engine %.1f ms of machine CPU a container%n",
                parallelJobs, engineRate, bareRate, engineRate / bareRate, engineCpu);
        Properties measured = new Properties();
        measured.setProperty("engine.median.ms", Double.toString(median(engineMs)));
        measured.setProperty("engine.released.median.ms", Double.toString(median(releasedMs)));
        measured.setProperty("crun.bpf.median.ms", Double.toString(median(bpfMs)));
        measured.setProperty("crun.bpf.p99.ms", Double.toString(percentile(bpfMs, 0.99)));
        measured.setProperty("engine.parallel.per.s", Double.toString(engineRate));
        measured.setProperty("crun.bpf.parallel.per.s", Double.toString(bareRate));
        measured.setProperty("engine.parallel.cpu.ms", Double.toString(engineCpu));
        return measured;
    }

    /** What finding the root filesystem of a cached image costs a start, next to the built-in lookup. */
    private void printResolveCost() {
        DirectoryImageStore builtIn = new DirectoryImageStore(IMAGES);
        List<Double> storedUs = new ArrayList<>();
        List<Double> builtInUs = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            long start = System.nanoTime();
            library.resolve(storedPlan.image()).orElseThrow();
            long middle = System.nanoTime();
            builtIn.resolve("busybox").orElseThrow();
            long end = System.nanoTime();
            if (i >= 10_000) {
                storedUs.add((middle - start) / 1e3);
                builtInUs.add((end - middle) / 1e3);
            }
        }
        System.out.printf("resolving the image for a start (us): stored %.1f median, %.1f p95; built-in %.1f median, %.1f p95%n",
                median(storedUs), percentile(storedUs, 0.95), median(builtInUs), percentile(builtInUs, 0.95));
    }

    private double engineStart(ExecutionPlan job) throws Exception {
        return engineTimes(job)[0];
    }

    /** Milliseconds from the start to the reported outcome and to the end of the clean-up. */
    private double[] engineTimes(ExecutionPlan job) throws Exception {
        Path logs = work.resolve("logs-" + next());
        long start = System.nanoTime();
        RunningJob running = engine.start(job, logs);
        JobOutcome outcome = running.outcome().get(60, TimeUnit.SECONDS);
        long reported = System.nanoTime() - start;
        running.released().get(60, TimeUnit.SECONDS);
        long released = System.nanoTime() - start;
        if (!outcome.succeeded()) {
            throw new IllegalStateException("engine run failed: " + outcome);
        }
        return new double[] {reported / 1e6, released / 1e6};
    }

    /** crun run of the spec in a fresh bundle and cgroup, timed like the engine: from launch to exit. */
    private double bareStart(Bare kind) throws Exception {
        String id = "bench-" + next();
        Path bundle = Files.createDirectories(work.resolve("bare").resolve(id));
        MAPPER.writeValue(bundle.resolve("config.json").toFile(), bareSpec(kind, bundle, "/berth/" + id));
        long start = System.nanoTime();
        Process crun = new ProcessBuilder(CRUN.toString(), "--root", work.resolve("bare-state").toString(), "run", "--bundle",
                bundle.toString(), id).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int status = crun.waitFor();
        long elapsed = System.nanoTime() - start;
        if (status != 0) {
            throw new IllegalStateException("crun run " + id + " exited with " + status);
        }
        return elapsed / 1e6;
    }

    private double parallel(int jobs, Run run) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            long start = System.nanoTime();
            List<Future<Double>> futures = new ArrayList<>();
            for (int i = 0; i < jobs; i++) {
                futures.add(pool.submit(run::once));
            }
            for (Future<Double> future : futures) {
                future.get();
            }
            return jobs / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdown();
        }
    }

    /**
     * The engine's spec for the job in {@code bundle} without the start gate (nobody answers it):
     * its hook keeps mounting the overlay root but is not given the gate's FIFOs, or for
     * crun-bind is removed.
     */
    private ObjectNode bareSpec(Bare kind, Path bundle, String cgroupsPath) {
        BundleContext.StartGate unused = new BundleContext.StartGate(bundle, bundle.resolve("unused-state"), bundle.resolve("unused-verdict"));
        Optional<String> program = kind == Bare.JSON ? Optional.empty() : Optional.of(bpf);
        ObjectNode spec = new OciSpecBuilder(MAPPER).build(new BundleContext(plan, image, cgroupsPath, unused, seccomp(), program, overlayRoot));
        ObjectNode hooks = spec.withObject("/hooks");
        if (kind == Bare.BIND) {
            hooks.remove("createContainer");
        } else {
            ArrayNode gateArgs = (ArrayNode) hooks.withArray("createContainer").get(0).get("args");
            gateArgs.remove(4);
            gateArgs.remove(3);
        }
        return spec;
    }

    private SeccompProfile seccomp() {
        return SeccompProfiles.byReference(plan.seccompProfile()).orElseThrow();
    }

    private static ExecutionPlan plan() throws IOException {
        HostIdentity self = HostIdentity.current();
        SubordinateIds block = SubordinateIds.of(Path.of("/etc/subuid"), self).orElseThrow(
                () -> new IllegalStateException("no subordinate IDs for " + self.userName() + ": run ./berth up once as root"));
        AdmissionContext context = new AdmissionContext("bench", new IdRange(block.start(), IdRange.TENANT_RANGE_SIZE),
                new ServiceIdentity(self.uid(), self.gid()));
        JobRequest request = new JobRequest("busybox", List.of("true"), null, null, null, null, null, null, null, null, null);
        return ((Admission.Admitted) new JobAdmission(PlatformCeilings.defaults()).admit(request, context)).plan();
    }

    private synchronized int next() {
        return counter++;
    }

    private static void print(String name, List<Double> samples) {
        System.out.printf("%-14s %8.1f %8.1f%n", name, median(samples), percentile(samples, 0.95));
    }

    private static double median(List<Double> samples) {
        return percentile(samples, 0.5);
    }

    private static double percentile(List<Double> samples, double p) {
        List<Double> sorted = samples.stream().sorted().toList();
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
    }

    private static double unchecked(Run run) {
        try {
            return run.once();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** How a bare crun start is set up: precompiled or JSON seccomp, and whether the root is the overlay or a bind. */
    private enum Bare { BPF, JSON, BIND }

    @FunctionalInterface
    private interface Run {
        double once() throws Exception;
    }
}
