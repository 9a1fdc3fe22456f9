package dev.berth.api.jobs;

import dev.berth.api.policy.TenantPolicies;
import dev.berth.api.audit.AuditLog;
import dev.berth.api.audit.JobAudit;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.tenants.Tenant;
import dev.berth.api.tenants.TenantService;
import dev.berth.engine.IsolationEngine;
import dev.berth.policy.Admission;
import dev.berth.policy.AdmissionContext;
import dev.berth.policy.Decision;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.JobAdmission;
import dev.berth.policy.JobRequest;
import dev.berth.policy.ServiceIdentity;
import dev.berth.policy.Violation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Admits and records jobs, and finds them for their own tenant only. */
@ApplicationScoped
public class JobService {

    @Inject
    EntityManager em;
    @Inject
    TenantService tenants;
    @Inject
    JobAdmission admission;
    @Inject
    ServiceIdentity service;
    @Inject
    IsolationEngine engine;
    @Inject
    JsonColumns json;
    @Inject
    TenantPolicies policies;
    @Inject
    AuditLog audit;

    /** Admits the request and commits it as QUEUED; a refusal stores nothing. */
    @Transactional
    public Job submit(String tenantId, JobRequest request) {
        ExecutionPlan plan = admit(tenantId, request);
        Job job = new Job();
        job.id = UUID.randomUUID();
        job.tenant = tenantId;
        job.state = JobState.QUEUED;
        job.image = plan.image();
        job.requestJson = json.write(request);
        job.planJson = json.write(plan);
        job.createdAt = Instant.now();
        em.persist(job);
        audit.record(JobAudit.submitted(job, plan.decisions().stream().map(Decision::rule).toList()));
        return job;
    }

    /** The plan the request would run with, exactly as {@link #submit} would decide; stores no job. */
    @Transactional
    public ExecutionPlan dryRun(String tenantId, JobRequest request) {
        return admit(tenantId, request);
    }

    private ExecutionPlan admit(String tenantId, JobRequest request) {
        if (request == null) {
            throw ProblemException.refused(List.of(new Violation("request.required", "", "send a job request as a JSON object")));
        }
        Tenant tenant = tenants.findOrRegister(tenantId);
        AdmissionContext context = new AdmissionContext(tenantId, tenants.rangeOf(tenant), service,
                policies.policyOf(tenantId), policies.quotaOf(tenantId));
        Admission result = admission.admit(request, context);
        if (result instanceof Admission.Refused refused) {
            throw ProblemException.refused(refused.violations());
        }
        ExecutionPlan plan = ((Admission.Admitted) result).plan();
        if (!engine.hasImage(plan.image())) {
            throw ProblemException.refused(List.of(new Violation("image.available", "image",
                    "image " + plan.image() + " is not available on this platform; ask an admin to import it")));
        }
        return plan;
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
}
