package dev.berth.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.engine.cgroup.CgroupDriver;
import dev.berth.engine.data.ArtifactCollector;
import dev.berth.engine.host.HostReadiness;
import dev.berth.engine.image.DirectoryImageStore;
import dev.berth.engine.image.ImageStore;
import dev.berth.engine.image.ResolvedImage;
import dev.berth.engine.network.EgressReadiness;
import dev.berth.engine.network.EgressSettings;
import dev.berth.engine.network.HelperRecord;
import dev.berth.engine.runtime.CliOciRuntime;
import dev.berth.engine.runtime.OciRuntime;
import dev.berth.engine.seccomp.SeccompCompiler;
import dev.berth.engine.seccomp.SeccompLoading;
import dev.berth.engine.spec.OciSpecBuilder;
import dev.berth.engine.spec.OverlayRoot;
import dev.berth.policy.ExecutionPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Runs execution plans as rootless OCI containers. Each job gets an opaque container ID and bundle
 * directory, a cgroup the engine limits itself, and a start gate that lets the job's program run
 * only after its limits and ID maps were read back from the kernel.
 */
public final class IsolationEngine implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger LOG = Logger.getLogger(IsolationEngine.class);
    private static final Duration CLEAN_UP_LIMIT = Duration.ofSeconds(30);

    private final EngineConfig config;
    private final OciRuntime runtime;
    private final CgroupDriver cgroups;
    private final ImageStore images;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("berth-engine-timer").factory());
    private final EngineServices services;
    private final AtomicInteger jobsStarted = new AtomicInteger();
    /** Jobs started and not yet cleaned up. */
    private final Set<JobExecution> inFlight = ConcurrentHashMap.newKeySet();

    public IsolationEngine(EngineConfig config, OciRuntime runtime, CgroupDriver cgroups, ImageStore images) throws IOException {
        this(config, runtime, cgroups, images, EgressSettings.host(List.of()));
    }

    /** An engine whose egress jobs leave through {@code egress}'s uplink. */
    public IsolationEngine(EngineConfig config, OciRuntime runtime, CgroupDriver cgroups, ImageStore images, EgressSettings egress)
            throws IOException {
        this.config = config;
        this.runtime = runtime;
        this.cgroups = cgroups;
        this.images = images;
        var privateDir = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(config.workDir(), privateDir);
        Files.createDirectories(config.stateDir(), privateDir);
        Files.createDirectories(config.bundlesDir(), privateDir);
        ObjectMapper mapper = new ObjectMapper();
        SeccompLoading seccomp = new SeccompLoading(SeccompCompiler.install(config.workDir().resolve("bin")),
                runtime.acceptsPrecompiledSeccomp());
        this.services = new EngineServices(config, runtime, cgroups, new OciSpecBuilder(mapper), seccomp,
                OverlayRoot.install(config.workDir().resolve("bin")), ArtifactCollector.install(config.workDir().resolve("bin")),
                new FifoPool(config.workDir().resolve("fifos")), egress, mapper, threads, timers);
    }

    /** The engine for this host: the configured CLI runtime, the detected cgroup layout, the built-in image directory. */
    public static IsolationEngine create(EngineConfig config) throws IOException {
        return create(config, new DirectoryImageStore(config.imagesDir()));
    }

    /** The engine for this host, running the images of {@code images}. */
    public static IsolationEngine create(EngineConfig config, ImageStore images) throws IOException {
        return create(config, images, EgressSettings.host(List.of()));
    }

    /** The engine for this host, running the images of {@code images}, its egress jobs connected as {@code egress} says. */
    public static IsolationEngine create(EngineConfig config, ImageStore images, EgressSettings egress) throws IOException {
        return new IsolationEngine(config,
                new CliOciRuntime(config.runtimeBinary(), config.stateDir()),
                CgroupDriver.detect(config.cgroupParent()),
                images, egress);
    }

    /** Takes on a job that carries nothing but its command (see {@link #start(ExecutionPlan, Path, JobPayload)}). */
    public RunningJob start(ExecutionPlan plan, Path logDir) {
        return start(plan, logDir, JobPayload.NONE);
    }

    /**
     * Takes a job on and returns at once. Stdout and stderr go to {@code stdout.log} and
     * {@code stderr.log} under {@code logDir}, each capped and with the payload's secret values
     * masked; the plan's artifacts are collected under {@code logDir/artifacts} and listed in the outcome.
     */
    public RunningJob start(ExecutionPlan plan, Path logDir, JobPayload payload) {
        ResolvedImage image = images.resolve(plan.image())
                .orElseThrow(() -> new ImageNotFoundException("image " + plan.image() + " is neither in this replica's image store nor among"
                        + " the built-in images in " + config.imagesDir() + ": pull or import it on this replica, or use the built-in busybox"));
        jobsStarted.incrementAndGet();
        JobExecution execution = new JobExecution("berth-" + HexFormat.of().formatHex(randomBytes()), plan, image, logDir, payload, services);
        inFlight.add(execution);
        execution.released().whenComplete((ignored, failure) -> inFlight.remove(execution));
        threads.submit(execution::run);
        return new RunningJob(execution);
    }

    /**
     * Finds the containers a previous engine on this work directory left running (the platform
     * crashed or was killed) and removes them with their cgroups, bundles and network helpers
     * (pasta and the resolver of an egress job), so nothing keeps running unobserved. Only this engine's own state and bundle directories are consulted, so
     * other engines sharing the host or the cgroup parent are never touched. Call it once, before
     * the first job starts.
     *
     * @return the IDs of the containers removed
     */
    public List<String> reapLeftovers() throws IOException {
        if (jobsStarted.get() > 0) {
            throw new IllegalStateException("leftovers can only be reaped before this engine starts jobs; it would kill its own");
        }
        Set<String> leftovers = new TreeSet<>(runtime.list());
        try (Stream<Path> bundles = Files.list(config.bundlesDir())) {
            bundles.map(bundle -> bundle.getFileName().toString()).forEach(leftovers::add);
        }
        for (String containerId : leftovers) {
            HelperRecord.stopLeftovers(config.bundlesDir().resolve(containerId));
            ContainerRemoval.remove(containerId, config, runtime);
            cgroups.removeLeftover(containerId);
        }
        return List.copyOf(leftovers);
    }

    /** Every reason this host cannot run jobs right now, each with its fix; empty when ready. */
    public List<String> readinessProblems() {
        return HostReadiness.problems(config, cgroups);
    }

    /** Every reason this host cannot start egress jobs, each with its fix; asked only where the platform offers egress. */
    public List<String> egressReadinessProblems() {
        return EgressReadiness.problems(services.egress(), EgressReadiness.TUN);
    }

    public String cgroupVersion() {
        return cgroups.version();
    }

    public String runtimeVersion() throws IOException {
        return runtime.describe();
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** Waits for the clean-up of jobs that have ended (their outcome goes out before it), so closing leaves nothing behind. */
    @Override
    public void close() {
        for (JobExecution execution : inFlight) {
            if (execution.outcome().isDone()) {
                try {
                    execution.released().get(CLEAN_UP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (ExecutionException | TimeoutException e) {
                    LOG.warnf("job container clean-up did not finish within %s while the engine closed: %s", CLEAN_UP_LIMIT, e.getMessage());
                }
            }
        }
        threads.shutdown();
        timers.shutdownNow();
    }
}
