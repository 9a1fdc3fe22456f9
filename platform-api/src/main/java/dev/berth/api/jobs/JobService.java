package dev.berth.api.jobs;

import dev.berth.api.audit.AuditLog;
import dev.berth.api.audit.JobAudit;
import dev.berth.api.dispatch.FairShareQueue;
import dev.berth.api.images.ImageCatalog;
import dev.berth.api.policy.TenantPolicies;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.tenants.Tenant;
import dev.berth.api.tenants.TenantService;
import dev.berth.policy.Admission;
import dev.berth.policy.AdmissionContext;
import dev.berth.policy.Decision;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.ImageReference;
import dev.berth.policy.JobAdmission;
import dev.berth.policy.JobRequest;
import dev.berth.policy.ServiceIdentity;
import dev.berth.policy.Violation;
import dev.berth.policy.tenant.TenantPolicy;
import dev.berth.policy.tenant.TenantPolicyValidator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Admits and records jobs, and finds them for their own tenant only. */
@ApplicationScoped
public class JobService {

    private static final Logger LOG = Logger.getLogger(JobService.class);
    private static final long MIB = 1024 * 1024;

    @Inject
    EntityManager em;
    @Inject
    TenantService tenants;
    @Inject
    JobAdmission admission;
    @Inject
    ServiceIdentity service;
    @Inject
    ImageCatalog images;
    @Inject
    JsonColumns json;
    @Inject
    TenantPolicies policies;
    @Inject
    AuditLog audit;
    @Inject
    IdempotencyKeys idempotencyKeys;
    @Inject
    JobViews views;
    @Inject
    FairShareQueue turns;

    /** What a submission answered: a new job, or the one an earlier request with the same idempotency key created. */
    public record Submission(Job job, boolean replayed) {
    }

    /**
     * Admits the request and commits it as QUEUED; a refusal stores nothing. With an idempotency
     * key already used for the same request, answers that request's job instead.
     */
    @Transactional
    public Submission submit(String tenantId, JobRequest request, Optional<String> idempotencyKey) {
        UUID id = UUID.randomUUID();
        Optional<UUID> earlier = idempotencyKey.flatMap(key -> idempotencyKeys.reserve(tenantId, key, request, id));
        if (earlier.isPresent()) {
            return new Submission(em.find(Job.class, earlier.get()), true);
        }
        ExecutionPlan plan = admit(tenantId, request, policies.policyOf(tenantId));
        Job job = new Job();
        job.id = id;
        job.tenant = tenantId;
        job.state = JobState.QUEUED;
        job.image = request.image();
        job.imageDigest = ImageReference.parse(plan.image()).orElseThrow().digest();
        job.requestJson = json.write(request);
        job.planJson = json.write(plan);
        job.createdAt = Instant.now();
        job.cpuMillis = plan.limits().cpuMillis();
        job.memoryMiB = (int) (plan.limits().memoryBytes() / MIB);
        job.pids = plan.limits().pids();
        job.labels = json.write(request.labels() == null ? Map.of() : request.labels());
        job.maxAttempts = 1 + plan.retries();
        em.persist(job);
        audit.record(JobAudit.submitted(job, plan.decisions().stream().map(Decision::rule).toList()));
        turns.enlist(tenantId);
        LOG.infof("tenant %s submitted job %s (%s)", tenantId, job.id, job.image);
        return new Submission(job, false);
    }

    /** The plan the request would run with, exactly as {@link #submit} would decide; stores no job. */
    @Transactional
    public ExecutionPlan dryRun(String tenantId, JobRequest request) {
        return admit(tenantId, request, policies.policyOf(tenantId));
    }

    /**
     * What the request would be decided under a policy that is not stored yet (the console's
     * preview before an admin saves it): the policy must pass the checks storing it would, then
     * admission runs exactly as for {@link #dryRun}.
     */
    @Transactional
    public ExecutionPlan dryRunUnder(String tenantId, JobRequest request, TenantPolicy candidate) {
        List<Violation> invalid = TenantPolicyValidator.validate(candidate, admission.ceilings());
        if (!invalid.isEmpty()) {
            throw ProblemException.refused(invalid);
        }
        return admit(tenantId, request, candidate);
    }

    private ExecutionPlan admit(String tenantId, JobRequest request, TenantPolicy policy) {
        Tenant tenant = tenants.findOrRegister(tenantId);
        AdmissionContext context = new AdmissionContext(tenantId, tenants.rangeOf(tenant), service, policy, policies.quotaOf(tenantId));
        Admission result = admission.admit(request, context);
        if (result instanceof Admission.Refused refused) {
            throw ProblemException.refused(refused.violations());
        }
        ExecutionPlan plan = ((Admission.Admitted) result).plan();
        String digest = images.pin(plan.image()).orElseThrow(() -> ProblemException.refused(List.of(new Violation("image.available", "image",
                "image " + plan.image() + " is not in the platform's image catalog; use one GET /api/v1/admin/images lists,"
                        + " or ask a platform admin to pull or import it"))));
        ImageReference named = ImageReference.parse(plan.image()).orElseThrow();
        return plan.withImage(named.repository() + (named.tag() == null ? "" : ":" + named.tag()) + "@" + digest);
    }

    /** The tenant's job; another tenant's job is reported exactly like a missing one. */
    @Transactional
    public Job find(String tenantId, UUID id) {
        Job job = em.find(Job.class, id);
        if (job == null || !job.tenant.equals(tenantId)) {
            throw ProblemException.notFound("job " + id);
        }
        return job;
    }

    /** The tenant's job with every attempt, read in one transaction. */
    @Transactional
    public JobView view(String tenantId, UUID id) {
        return views.withHistory(find(tenantId, id));
    }

    /** Whether the attempt can write no more output: the job is final, queued for a retry, or on a later attempt. */
    @Transactional
    public boolean attemptOver(String tenantId, UUID id, int attempt) {
        Job job = find(tenantId, id);
        return job.state.isFinal() || job.attempts > attempt || (job.state == JobState.QUEUED && job.attempts >= attempt);
    }
}
