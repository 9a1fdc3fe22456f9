package dev.berth.api.jobs;

import dev.berth.api.images.ImageCatalog;
import dev.berth.api.inputs.JobDataAdmission;
import dev.berth.api.inputs.JobPayloads;
import dev.berth.api.images.registry.TenantImages;
import dev.berth.api.lifecycle.Job;
import dev.berth.api.lifecycle.JobLifecycle;
import dev.berth.api.lifecycle.JobState;
import dev.berth.api.policy.TenantPolicies;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.refusals.Refusals;
import dev.berth.api.tenants.Tenant;
import dev.berth.api.tenants.TenantService;
import dev.berth.policy.Admission;
import dev.berth.policy.AdmissionContext;
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
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Admits jobs and hands them to the lifecycle; finds them for their own tenant only. */
@ApplicationScoped
public class JobService {

    private static final Logger LOG = Logger.getLogger(JobService.class);

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
    TenantImages tenantImages;
    @Inject
    TenantPolicies policies;
    @Inject
    IdempotencyKeys idempotencyKeys;
    @Inject
    JobViews views;
    @Inject
    JobReads reads;
    @Inject
    FinalJobViews finalViews;
    @Inject
    JobLifecycle lifecycle;
    @Inject
    Refusals refusals;
    @Inject
    JobDataAdmission dataAdmission;
    @Inject
    JobPayloads payloads;

    /** What a submission answered: a new job, or the one an earlier request with the same idempotency key created. */
    public record Submission(JobView job, boolean replayed) {
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
            return new Submission(views.of(em.find(Job.class, earlier.get())), true);
        }
        // The job keeps its request without stdin and inline files: their bytes are stored apart, by digest in the plan.
        Job job = lifecycle.submit(id, tenantId, request.withoutContent(), admit(tenantId, request, policies.policyOf(tenantId)));
        payloads.save(id, request);
        LOG.infof("tenant %s submitted job %s (%s)", tenantId, job.id, job.image);
        return new Submission(views.of(job), false);
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
        refusals.refuseIfAny(TenantPolicyValidator.validate(candidate, admission.ceilings()));
        return admit(tenantId, request, candidate);
    }

    private ExecutionPlan admit(String tenantId, JobRequest request, TenantPolicy policy) {
        Tenant tenant = tenants.findOrRegister(tenantId);
        AdmissionContext context = new AdmissionContext(tenantId, tenants.rangeOf(tenant), service, policy, policies.quotaOf(tenantId));
        // A tenant's own image is admitted under its full name, so allow-lists see the registry and namespace.
        Optional<TenantImages.Resolved> pushed = request.image() == null ? Optional.empty() : tenantImages.resolve(tenantId, request.image());
        Admission result = admission.admit(pushed.map(image -> request.withImage(image.reference())).orElse(request), context);
        if (result instanceof Admission.Refused refused) {
            throw refusals.policy(refused.violations());
        }
        ExecutionPlan plan = ((Admission.Admitted) result).plan();
        String digest = pushed.map(TenantImages.Resolved::digest).or(() -> images.pin(plan.image())).orElseThrow(() -> refusals.policy(List.of(new Violation("image.available", "image",
                "image " + plan.image() + " is neither in the platform's image catalog nor in your namespace of its registry; use one"
                        + " GET /api/v1/admin/images lists, push it to <registry>/<tenant>/<name>:<tag>, or ask a platform admin to pull it"))));
        ImageReference named = ImageReference.parse(plan.image()).orElseThrow();
        return dataAdmission.resolve(tenantId, plan.withImage(named.repository() + (named.tag() == null ? "" : ":" + named.tag()) + "@" + digest));
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

    /** Cancels the tenant's job (see {@link JobLifecycle#cancel}) and answers it as it is now. */
    @Transactional
    public JobView cancel(String tenantId, UUID id) {
        return views.of(lifecycle.cancel(tenantId, id));
    }

    /** The tenant's job with every attempt, read in one statement; a final one from memory once it has been read. */
    public JobView view(String tenantId, UUID id) {
        Optional<JobView> known = finalViews.find(tenantId, id);
        if (known.isPresent()) {
            return known.get();
        }
        JobView view = reads.withHistory(tenantId, id).orElseThrow(() -> ProblemException.notFound("job " + id));
        finalViews.keep(view);
        return view;
    }

    /** Whether the attempt can write no more output: the job is final, queued for a retry, or on a later attempt. */
    @Transactional
    public boolean attemptOver(String tenantId, UUID id, int attempt) {
        Job job = find(tenantId, id);
        return job.state.isFinal() || job.attempts > attempt || (job.state == JobState.QUEUED && job.attempts >= attempt);
    }
}
