package dev.berth.policy;

import dev.berth.policy.tenant.PerJobMaxima;
import dev.berth.policy.tenant.TenantPolicy;
import dev.berth.policy.tenant.TenantQuota;
import java.util.List;
import java.util.Map;

/** Requests, tenants and admission shortcuts shared by the policy tests. */
final class Requests {

    static final ServiceIdentity SERVICE = new ServiceIdentity(999, 995);
    static final IdRange ACME_RANGE = new IdRange(1_048_576, 65_536);
    static final JobAdmission ADMISSION = new JobAdmission(PlatformCeilings.defaults());

    private Requests() {
    }

    /** A valid minimal request to vary one field of. */
    record Builder(String image, List<String> command, Map<String, String> env, String workingDir, Integer user,
                   List<String> capabilities, ResourceRequest resources, Integer timeoutSeconds, Integer retries,
                   Map<String, String> labels, String network) {

        Builder image(String value) {
            return new Builder(value, command, env, workingDir, user, capabilities, resources, timeoutSeconds, retries, labels, network);
        }

        Builder env(Map<String, String> value) {
            return new Builder(image, command, value, workingDir, user, capabilities, resources, timeoutSeconds, retries, labels, network);
        }

        Builder capabilities(String... value) {
            return new Builder(image, command, env, workingDir, user, List.of(value), resources, timeoutSeconds, retries, labels, network);
        }

        Builder resources(Integer cpuMillis, Integer memoryMiB, Integer pids, Integer scratchMiB) {
            return new Builder(image, command, env, workingDir, user, capabilities,
                    new ResourceRequest(cpuMillis, memoryMiB, pids, scratchMiB), timeoutSeconds, retries, labels, network);
        }

        Builder timeoutSeconds(Integer value) {
            return new Builder(image, command, env, workingDir, user, capabilities, resources, value, retries, labels, network);
        }

        Builder retries(Integer value) {
            return new Builder(image, command, env, workingDir, user, capabilities, resources, timeoutSeconds, value, labels, network);
        }

        Builder network(String value) {
            return new Builder(image, command, env, workingDir, user, capabilities, resources, timeoutSeconds, retries, labels, value);
        }

        JobRequest build() {
            return new JobRequest(image, command, env, workingDir, user, capabilities, resources, timeoutSeconds, retries, labels, network);
        }
    }

    static Builder job() {
        return new Builder("busybox", List.of("true"), null, null, null, null, null, null, null, null, null);
    }

    static AdmissionContext acme() {
        return new AdmissionContext("acme", ACME_RANGE, SERVICE);
    }

    static AdmissionContext acme(TenantPolicy policy) {
        return new AdmissionContext("acme", ACME_RANGE, SERVICE, policy, TenantQuota.defaults());
    }

    static AdmissionContext acme(TenantQuota quota) {
        return new AdmissionContext("acme", ACME_RANGE, SERVICE, TenantPolicy.defaults(), quota);
    }

    static TenantPolicy policy(String tier, List<String> images, PerJobMaxima maxima, List<String> capabilities,
                               List<String> networks, Integer defaultTimeout, Integer maxTimeout, Integer maxRetries,
                               List<String> deniedEnv) {
        return new TenantPolicy(tier, images, maxima, capabilities, networks, defaultTimeout, maxTimeout, maxRetries, deniedEnv);
    }

    static ExecutionPlan admitted(JobAdmission admission, JobRequest request, AdmissionContext context) {
        Admission result = admission.admit(request, context);
        if (result instanceof Admission.Admitted admitted) {
            return admitted.plan();
        }
        throw new AssertionError("expected admission, got " + result);
    }

    static ExecutionPlan admitted(JobRequest request, AdmissionContext context) {
        return admitted(ADMISSION, request, context);
    }

    static List<Violation> refused(JobAdmission admission, JobRequest request, AdmissionContext context) {
        Admission result = admission.admit(request, context);
        if (result instanceof Admission.Refused refused) {
            return refused.violations();
        }
        throw new AssertionError("expected a refusal, got " + result);
    }

    static List<Violation> refused(JobRequest request, AdmissionContext context) {
        return refused(ADMISSION, request, context);
    }

    /** The single violation of a refusal. */
    static Violation refusal(JobRequest request, AdmissionContext context) {
        List<Violation> violations = refused(request, context);
        if (violations.size() != 1) {
            throw new AssertionError("expected exactly one violation, got " + violations);
        }
        return violations.getFirst();
    }
}
