package dev.berth.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.engine.cgroup.CgroupDriver;
import dev.berth.engine.cgroup.CgroupUsage;
import dev.berth.engine.runtime.OciRuntime;
import dev.berth.engine.cgroup.JobCgroup;
import dev.berth.engine.image.ResolvedImage;
import dev.berth.engine.data.ArtifactCollector;
import dev.berth.engine.data.ArtifactReport;
import dev.berth.engine.data.InputsDirectory;
import dev.berth.engine.data.SecretStaging;
import dev.berth.engine.logs.CappedLogCopier;
import dev.berth.engine.logs.SecretMask;
import dev.berth.engine.network.EgressView;
import dev.berth.engine.network.JobNetwork;
import dev.berth.engine.spec.BundleContext;
import dev.berth.engine.spec.WorkingDirectory;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.IdMapping;
import dev.berth.policy.PlatformCeilings;
import dev.berth.policy.seccomp.SeccompProfile;
import dev.berth.policy.seccomp.SeccompProfiles;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** One job's way through the engine: bundle, cgroup, runtime, start gate, wait, clean-up. */
final class JobExecution {

    private static final Logger LOG = Logger.getLogger(JobExecution.class);
    /** The runtime reports a container killed by SIGKILL as 128 + 9. */
    private static final int EXIT_SIGKILL = 137;
    private static final Path NO_STDIN = Path.of("/dev/null");

    private final String containerId;
    private final ExecutionPlan plan;
    private final ResolvedImage image;
    private final Path logDir;
    private final JobPayload payload;
    private final EngineConfig config;
    private final OciRuntime runtime;
    private final CgroupDriver cgroups;
    private final ObjectMapper mapper;
    private final EngineServices services;

    private final CompletableFuture<JobStart> started = new CompletableFuture<>();
    private final CompletableFuture<JobOutcome> outcome = new CompletableFuture<>();
    private final CompletableFuture<Void> released = new CompletableFuture<>();
    private final Object lock = new Object();
    private TerminationReason stopReason;
    private String stopDetail;
    private StartGate gate;
    private boolean gateOpened;
    private JobNetwork network;

    JobExecution(String containerId, ExecutionPlan plan, ResolvedImage image, Path logDir, JobPayload payload, EngineServices services) {
        this.containerId = containerId;
        this.plan = plan;
        this.image = image;
        this.logDir = logDir;
        this.payload = payload;
        this.services = services;
        this.config = services.config();
        this.runtime = services.runtime();
        this.cgroups = services.cgroups();
        this.mapper = services.mapper();
    }

    CompletableFuture<JobStart> started() {
        return started;
    }

    CompletableFuture<JobOutcome> outcome() {
        return outcome;
    }

    CompletableFuture<Void> released() {
        return released;
    }

    void run() {
        Path bundle = config.bundlesDir().resolve(containerId);
        try {
            report(runInBundle(bundle));
        } catch (EnforcementException e) {
            report(failure(TerminationReason.EnforcementUnavailable, e.getMessage()));
        } catch (Exception e) {
            LOG.errorf(e, "job container %s failed in the engine", containerId);
            report(failure(TerminationReason.RuntimeError, "the engine failed: " + e.getMessage()));
        } finally {
            try {
                ContainerRemoval.remove(containerId, config, runtime);
            } finally {
                released.complete(null);
            }
        }
    }

    /**
     * The first report wins: a job whose program ended is reported before its cgroup and bundle
     * are torn down, so a failure of that clean-up is logged and cannot change how the job ended.
     */
    private void report(JobOutcome result) {
        if (!outcome.complete(result) && outcome.join() != result) {
            LOG.warnf("job container %s was reported as %s; its clean-up failed afterwards (see above)", containerId, outcome.join().detail());
        }
    }

    private JobOutcome runInBundle(Path bundle) throws IOException, InterruptedException {
        Optional<String> workingDirProblem = WorkingDirectory.problem(plan.workingDir(), image);
        if (workingDirProblem.isPresent()) {
            return failure(TerminationReason.RuntimeError, workingDirProblem.get());
        }
        Optional<SeccompProfile> seccomp = SeccompProfiles.byReference(plan.seccompProfile());
        if (seccomp.isEmpty()) {
            return failure(TerminationReason.EnforcementUnavailable, "the plan names seccomp profile " + plan.seccompProfile()
                    + ", which this build of the engine does not have (the profile changed after the job was admitted): submit the job again");
        }
        Files.createDirectory(bundle, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createDirectories(logDir);
        Path stdin = writeStdin(bundle);
        if (plan.data().inputs() != null) {
            InputsDirectory.prepare(bundle.resolve("inputs"), plan.data().inputs(), payload);
        }
        BundleContext.StartGate gatePaths = new BundleContext.StartGate(bundle, bundle.resolve("state.fifo"), bundle.resolve("verdict.fifo"));
        services.fifos().take(gatePaths.stateFifo());
        services.fifos().take(gatePaths.verdictFifo());
        try (SecretStaging secrets = SecretStaging.write(containerId, payload.secrets());
             StartGate startGate = StartGate.open(gatePaths.stateFifo(), gatePaths.verdictFifo());
             JobCgroup cgroup = cgroups.create(containerId, plan.limits());
             ArtifactCollector collector = plan.data().artifacts() == null ? null
                     : ArtifactCollector.listen(services.collector(), bundle, plan);
             Closeable egressNetwork = this::closeNetwork) {
            synchronized (lock) {
                gate = startGate;
            }
            var spec = services.specs().build(new BundleContext(plan, image, cgroup.runtimePath(), gatePaths,
                    seccomp.get(), services.seccomp().precompiled(seccomp.get()), services.overlayRoot()));
            SecretVariables.add(spec, plan.data(), payload.secrets());
            mapper.writeValue(bundle.resolve("config.json").toFile(), spec);

            Process process = runtime.run(containerId, bundle, plan.limits().openFiles(), stdin);
            var masked = payload.secrets().values();
            Future<?> stdout = services.threads().submit(new CappedLogCopier(SecretMask.of(process.getInputStream(), masked),
                    logDir.resolve("stdout.log"), config.logCapBytes()));
            Future<?> stderr = services.threads().submit(new CappedLogCopier(SecretMask.of(process.getErrorStream(), masked),
                    logDir.resolve("stderr.log"), config.logCapBytes()));

            Optional<String> state = startGate.awaitState(process);
            if (state.isEmpty()) {
                int status = process.waitFor();
                await(stdout, stderr);
                return failure(TerminationReason.RuntimeError, "the runtime exited with status " + status
                        + " before the container was created: " + tail(logDir.resolve("stderr.log")));
            }
            GatePids pids = GatePids.parse(state.get());
            Optional<EffectiveSecurity> security = admit(pids, cgroup, startGate, bundle);

            Instant startedAt = Instant.now();
            var timeout = services.timers().schedule(() -> stop(TerminationReason.TimedOut,
                    "ran longer than its timeout of " + plan.timeoutSeconds() + " s"), plan.timeoutSeconds(), TimeUnit.SECONDS);
            int status = process.waitFor();
            timeout.cancel(false);
            Instant finishedAt = Instant.now();
            await(stdout, stderr);
            CgroupUsage used = cgroup.usage();
            Usage usage = new Usage(used.cpuNanos() / 1e9, used.peakMemoryBytes(),
                    security.isPresent() ? Duration.between(startedAt, finishedAt).toNanos() / 1e9 : 0);
            JobOutcome concluded = conclude(status, used, usage, security);
            JobOutcome result = collector == null ? concluded : concluded.withArtifacts(collect(collector, concluded, security.isPresent()));
            // Reported before the cgroup is removed: the program, its usage and its artifacts are final, only clean-up is left.
            outcome.complete(result);
            return result;
        }
    }

    /** Stdin as a file of the private bundle, the runtime's own stdin; none is /dev/null. */
    private Path writeStdin(Path bundle) throws IOException {
        if (payload.stdin() == null) {
            return NO_STDIN;
        }
        Path file = bundle.resolve("stdin");
        Files.write(file, payload.stdin());
        return file;
    }

    /** The artifacts of a job that ran, when its plan wants them after this ending; a job that never ran has none. */
    private ArtifactReport collect(ArtifactCollector collector, JobOutcome outcome, boolean ran) throws InterruptedException {
        try {
            if (!ran || !plan.data().artifacts().collectAfter(outcome.succeeded())) {
                return ArtifactReport.NONE;
            }
            return collector.collect(logDir.resolve("artifacts"));
        } catch (IOException e) {
            LOG.warnf("artifacts of container %s were not collected: %s", containerId, e.getMessage());
            return new ArtifactReport(List.of(), List.of("artifacts were not collected: " + e.getMessage()));
        }
    }

    /**
     * Verifies the created container in the kernel and opens the gate only if all is as planned.
     * An egress job's network is connected here, through the namespaces of the gate's hook, and
     * read back like the limits.
     */
    private Optional<EffectiveSecurity> admit(GatePids pids, JobCgroup cgroup, StartGate startGate, Path bundle)
            throws IOException, InterruptedException {
        long pid = pids.container();
        List<IdMapping> uidMap = ProcIdMaps.uidMap(pid);
        List<IdMapping> gidMap = ProcIdMaps.gidMap(pid);
        List<String> problems = new ArrayList<>(cgroup.verify(pid, plan.limits()));
        problems.addAll(ProcLimits.verifyOpenFiles(pid, plan.limits().openFiles()));
        if (!uidMap.equals(plan.uidMappings())) {
            problems.add("uid map is " + uidMap + ", planned " + plan.uidMappings());
        }
        if (!gidMap.equals(plan.gidMappings())) {
            problems.add("gid map is " + gidMap + ", planned " + plan.gidMappings());
        }
        EgressView egress = null;
        if (PlatformCeilings.EGRESS_NETWORK.equals(plan.network())) {
            try {
                JobNetwork connected = JobNetwork.connect(pids.hook(), plan, services.egress(), bundle);
                synchronized (lock) {
                    network = connected;
                }
                problems.addAll(connected.verify());
                egress = connected.view();
            } catch (IOException e) {
                problems.add("the egress network could not be set up: " + e.getMessage() + " (host setup installs passt, nftables and "
                        + "dnsmasq-base and lets the service user open /dev/net/tun: run ./berth up once as root)");
            }
        }
        EffectiveSecurity security;
        synchronized (lock) {
            if (!problems.isEmpty() && stopReason == null) {
                stopReason = TerminationReason.EnforcementUnavailable;
                stopDetail = "refused to start: " + String.join("; ", problems);
            }
            if (stopReason != null) {
                startGate.refuse();
                return Optional.empty();
            }
            security = new EffectiveSecurity(uidMap, gidMap, plan.uid(), plan.capabilities(), plan.seccompProfile(),
                    plan.noNewPrivileges(), plan.readOnlyRootfs(), plan.limits(), plan.network(), cgroups.version(), egress);
            startGate.open();
            gateOpened = true;
        }
        // Outside the lock: whatever listens to the start must never hold up a stop() of this job.
        started.complete(new JobStart(Instant.now(), security, image.digest()));
        return Optional.of(security);
    }

    private void closeNetwork() {
        JobNetwork connected;
        synchronized (lock) {
            connected = network;
            network = null;
        }
        if (connected != null) {
            connected.close();
        }
    }

    private JobOutcome conclude(int status, CgroupUsage used, Usage usage, Optional<EffectiveSecurity> security) {
        synchronized (lock) {
            if (stopReason != null) {
                return new JobOutcome(security.map(s -> status), Optional.of(stopReason), stopDetail, usage, security, image.digest());
            }
        }
        if (used.oomKills() > 0 || (used.memoryLimitHit() && status == EXIT_SIGKILL)) {
            return new JobOutcome(Optional.of(status), Optional.of(TerminationReason.OOMKilled),
                    "killed by the kernel at its memory limit of " + plan.limits().memoryBytes() + " bytes", usage, security, image.digest());
        }
        return new JobOutcome(Optional.of(status), Optional.empty(), "exited with status " + status, usage, security, image.digest());
    }

    private JobOutcome failure(TerminationReason reason, String detail) {
        return new JobOutcome(Optional.empty(), Optional.of(reason), detail, new Usage(0, 0, 0), Optional.empty(), image.digest());
    }

    void stop(TerminationReason reason, String detail) {
        synchronized (lock) {
            if (stopReason != null || outcome.isDone()) {
                return;
            }
            stopReason = reason;
            stopDetail = detail;
            if (!gateOpened) {
                // Not started yet: the gate refuses when the container reaches it.
                return;
            }
        }
        signal("TERM");
        services.timers().schedule(() -> {
            if (!outcome.isDone()) {
                signal("KILL");
            }
        }, config.killGrace().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void signal(String signal) {
        try {
            runtime.kill(containerId, signal);
        } catch (IOException e) {
            LOG.debugf("SIG%s to %s was not delivered (it may have exited): %s", signal, containerId, e.getMessage());
        }
    }

    private static void await(Future<?>... copiers) throws InterruptedException {
        for (Future<?> copier : copiers) {
            try {
                copier.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
            }
        }
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log).strip();
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
