package dev.berth.policy;

import dev.berth.policy.seccomp.SeccompProfile;
import dev.berth.policy.seccomp.SeccompProfiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a job request into a hardened execution plan or the list of reasons it is refused. Pure:
 * the same request and context always give the same answer.
 */
public final class JobAdmission {

    private static final long MIB = 1024L * 1024L;
    private static final String DEFAULT_WORKING_DIR = "/tmp";
    private static final String HOSTNAME = "job";

    private final PlatformCeilings ceilings;

    public JobAdmission(PlatformCeilings ceilings) {
        this.ceilings = Objects.requireNonNull(ceilings);
    }

    public Admission admit(JobRequest request, AdmissionContext context) {
        List<Violation> violations = RequestValidator.validate(request, ceilings);
        if (!violations.isEmpty()) {
            return new Admission.Refused(violations);
        }
        List<Decision> decisions = new ArrayList<>();
        ResourceRequest resources = request.resources() == null
                ? new ResourceRequest(null, null, null, null) : request.resources();

        int uid = resolve(request.user(), ceilings.defaultUser(), "user.default",
                "runs as uid " + ceilings.defaultUser() + ", the platform's non-root default", decisions);
        Limits limits = new Limits(
                resolve(resources.cpuMillis(), ceilings.defaultCpuMillis(), "resources.cpu.default",
                        ceilings.defaultCpuMillis() + " millicores by default", decisions),
                resolve(resources.memoryMiB(), ceilings.defaultMemoryMiB(), "resources.memory.default",
                        ceilings.defaultMemoryMiB() + " MiB of memory by default, no swap beyond it", decisions) * MIB,
                resolve(resources.pids(), ceilings.defaultPids(), "resources.pids.default",
                        ceilings.defaultPids() + " processes by default", decisions),
                ceilings.openFiles(),
                resolve(resources.scratchMiB(), ceilings.defaultScratchMiB(), "resources.scratch.default",
                        ceilings.defaultScratchMiB() + " MiB of scratch by default", decisions) * MIB);
        int timeout = resolve(request.timeoutSeconds(), ceilings.defaultTimeoutSeconds(), "timeout.default",
                "times out after " + ceilings.defaultTimeoutSeconds() + " s by default", decisions);
        List<String> capabilities = request.capabilities() == null ? List.of() : request.capabilities();
        decisions.add(new Decision("user.namespace", "container uid 0 is the unprivileged service account; uids 1-65535 map into tenant "
                + context.tenant() + "'s host range starting at " + context.tenantRange().hostStart()));
        decisions.add(new Decision("capabilities.none-by-default", capabilities.isEmpty()
                ? "no capabilities" : "capabilities " + capabilities + " allowed by the platform"));
        SeccompProfile seccomp = SeccompProfiles.restricted();
        decisions.add(new Decision("seccomp.default-deny", "system calls outside the " + seccomp.reference()
                + " allow-list fail with EPERM"));
        decisions.add(new Decision("privileges.no-new", "no_new_privileges is always on"));
        decisions.add(new Decision("rootfs.read-only", "the image's root filesystem is mounted read-only"));

        return new Admission.Admitted(new ExecutionPlan(
                context.tenant(),
                request.image(),
                request.command(),
                request.env() == null ? Map.of() : request.env(),
                request.workingDir() == null ? DEFAULT_WORKING_DIR : request.workingDir(),
                uid,
                uid,
                IdMapPlanner.uidMappings(context),
                IdMapPlanner.gidMappings(context),
                capabilities,
                seccomp,
                true,
                true,
                limits,
                request.network() == null ? "none" : request.network(),
                HOSTNAME,
                timeout,
                request.retries() == null ? 0 : request.retries(),
                decisions));
    }

    private static int resolve(Integer requested, int fallback, String rule, String detail, List<Decision> decisions) {
        if (requested != null) {
            return requested;
        }
        decisions.add(new Decision(rule, detail));
        return fallback;
    }
}
