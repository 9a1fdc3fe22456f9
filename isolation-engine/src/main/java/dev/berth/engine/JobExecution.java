package dev.berth.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.engine.cgroup.CgroupDriver;
import dev.berth.engine.cgroup.CgroupUsage;
import dev.berth.engine.runtime.OciRuntime;
import dev.berth.engine.cgroup.JobCgroup;
import dev.berth.engine.image.ResolvedImage;
import dev.berth.engine.logs.CappedLogCopier;
import dev.berth.engine.spec.BundleContext;
import dev.berth.engine.spec.WorkingDirectory;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.IdMapping;
import dev.berth.policy.seccomp.SeccompProfile;
import dev.berth.policy.seccomp.SeccompProfiles;
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

    private final String containerId;
    private final ExecutionPlan plan;
    private final ResolvedImage image;
    private final Path logDir;
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

    JobExecution(String containerId, ExecutionPlan plan, ResolvedImage image, Path logDir, EngineServices services) {
        this.containerId = containerId;
        this.plan = plan;
        this.image = image;
        this.logDir = logDir;
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
        BundleContext.StartGate gatePaths = new BundleContext.StartGate(bundle, bundle.resolve("state.fifo"), bundle.resolve("verdict.fifo"));
        services.fifos().take(gatePaths.stateFifo());
        services.fifos().take(gatePaths.verdictFifo());
        try (StartGate startGate = StartGate.open(gatePaths.stateFifo(), gatePaths.verdictFifo());
             JobCgroup cgroup = cgroups.create(containerId, plan.limits())) {
            synchronized (lock) {
                gate = startGate;
            }
            mapper.writeValue(bundle.resolve("config.json").toFile(),
                    services.specs().build(new BundleContext(plan, image, cgroup.runtimePath(), gatePaths,
                            seccomp.get(), services.seccomp().precompiled(seccomp.get()), services.overlayRoot())));

            Process process = runtime.run(containerId, bundle, plan.limits().openFiles());
            Future<?> stdout = services.threads().submit(new CappedLogCopier(process.getInputStream(), logDir.resolve("stdout.log"), config.logCapBytes()));
            Future<?> stderr = services.threads().submit(new CappedLogCopier(process.getErrorStream(), logDir.resolve("stderr.log"), config.logCapBytes()));

            Optional<String> state = startGate.awaitState(process);
            if (state.isEmpty()) {
                int status = process.waitFor();
                await(stdout, stderr);
                return failure(TerminationReason.RuntimeError, "the runtime exited with status " + status
                        + " before the container was created: " + tail(logDir.resolve("stderr.log")));
            }
            long pid = mapper.readTree(state.get()).path("pid").asLong();
            Optional<EffectiveSecurity> security = admit(pid, cgroup, startGate);
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
            // Reported before the cgroup is removed: the program and its usage are final, only clean-up is left.
            JobOutcome result = conclude(status, used, usage, security);
            outcome.complete(result);
            return result;
        }
    }

    /** Verifies the created container in the kernel and opens the gate only if all is as planned. */
    private Optional<EffectiveSecurity> admit(long pid, JobCgroup cgroup, StartGate startGate) throws IOException {
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
                    plan.noNewPrivileges(), plan.readOnlyRootfs(), plan.limits(), plan.network(), cgroups.version());
            startGate.open();
            gateOpened = true;
        }
        // Outside the lock: whatever listens to the start must never hold up a stop() of this job.
        started.complete(new JobStart(Instant.now(), security, image.digest()));
        return Optional.of(security);
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
