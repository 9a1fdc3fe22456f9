package dev.berth.policy;

import dev.berth.policy.data.DataCeilings;
import dev.berth.policy.data.JobData;
import dev.berth.policy.seccomp.SeccompProfiles;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns a job request into a hardened execution plan or the list of reasons it is refused. Pure:
 * the same request and context always give the same answer. The order is syntax, quota, then
 * each concern resolving its part of the plan; all violations are collected before answering.
 */
public final class JobAdmission {

    private static final String DEFAULT_WORKING_DIR = "/tmp";
    private static final String HOSTNAME = "job";

    private final PlatformCeilings ceilings;
    private final DataCeilings dataCeilings;

    public JobAdmission(PlatformCeilings ceilings) {
        this(ceilings, DataCeilings.defaults());
    }

    public JobAdmission(PlatformCeilings ceilings, DataCeilings dataCeilings) {
        this.ceilings = Objects.requireNonNull(ceilings);
        this.dataCeilings = Objects.requireNonNull(dataCeilings);
    }

    public DataCeilings dataCeilings() {
        return dataCeilings;
    }

    public PlatformCeilings ceilings() {
        return ceilings;
    }

    public Admission admit(JobRequest request, AdmissionContext context) {
        Findings findings = new Findings();
        Optional<ImageReference> image = ImageReference.parse(request.image());
        RequestValidator.validate(request, image, findings);
        if (!QuotaRule.check(context, findings)) {
            return new Admission.Refused(findings.violations());
        }
        findings.decide("tier." + context.policy().effectiveTier().id(), "tenant " + context.tenant() + " is on the "
                + context.policy().effectiveTier().id() + " tier");
        ImageRule.check(request.image(), image, context, findings);
        EnvRule.check(request.env(), context, findings);
        LimitResolver limits = new LimitResolver(ceilings, context, findings);
        Limits resolvedLimits = limits.limits(request.resources());
        int timeout = limits.timeoutSeconds(request.timeoutSeconds());
        int retries = limits.retries(request.retries());
        var capabilities = CapabilityRule.resolve(request.capabilities(), ceilings, context, findings);
        String network = NetworkRule.resolve(request.network(), ceilings, context, findings);
        var egress = EgressAllowList.resolve(network, request.egress(), context, findings);
        int uid = resolveUser(request.user(), findings);
        String workingDir = request.workingDir() == null ? DEFAULT_WORKING_DIR : request.workingDir();
        JobData data = DataRule.resolve(request, workingDir, resolvedLimits.scratchBytes(), dataCeilings, findings);
        // A secret exported as a variable is a variable too: the policy's denied names hold for it.
        EnvRule.check(data.secrets().stream().filter(secret -> secret.env() != null)
                .collect(Collectors.toMap(JobData.Secret::env, secret -> "", (first, second) -> first)), context, findings);
        if (!findings.violations().isEmpty()) {
            return new Admission.Refused(findings.violations());
        }
        findings.decide("user.namespace", "container uid 0 is the unprivileged service account; uids 1-65535 map into tenant "
                + context.tenant() + "'s host range starting at " + context.tenantRange().hostStart());
        String seccomp = SeccompProfiles.named(ceilings.seccompProfile()).reference();
        findings.decide("seccomp.default-deny", "seccomp profile " + seccomp
                + ": system calls outside the platform's allow-list are refused");
        findings.decide("privileges.no-new", "no_new_privileges is always on");
        findings.decide("rootfs.read-only", "the image's root filesystem is mounted read-only");

        return new Admission.Admitted(new ExecutionPlan(
                context.tenant(),
                request.image(),
                request.command(),
                request.env() == null ? Map.of() : request.env(),
                workingDir,
                uid,
                uid,
                IdMapPlanner.uidMappings(context),
                IdMapPlanner.gidMappings(context),
                capabilities,
                seccomp,
                true,
                true,
                resolvedLimits,
                network,
                HOSTNAME,
                timeout,
                retries,
                findings.decisions(),
                data,
                egress));
    }

    private int resolveUser(Integer requested, Findings findings) {
        if (requested != null) {
            return requested;
        }
        findings.decide("user.default", "runs as uid " + ceilings.defaultUser() + ", the platform's non-root default");
        return ceilings.defaultUser();
    }
}
