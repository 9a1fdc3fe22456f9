package dev.berth.api.jobs;

import dev.berth.api.audit.AuditEntry;
import dev.berth.api.audit.AuditLog;
import dev.berth.api.problems.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.UUID;

/**
 * Cancel requests. A queued job (also one waiting for a retry) ends CANCELLED in the same
 * statement; for a starting or running job the request is recorded and the replica running it
 * stops it (SIGTERM, grace, SIGKILL), after which it ends CANCELLED. A job already final is left
 * as it is, so cancelling twice is harmless.
 */
@ApplicationScoped
public class JobCancellation {

    @Inject
    EntityManager em;
    @Inject
    AuditLog audit;

    /** Records the request and answers the job as it is now. */
    @Transactional
    public Job cancel(String tenant, UUID id) {
        // One statement, so a concurrent claim either took the job first (it is STARTING here) or never will.
        int requested = em.createNativeQuery("UPDATE jobs SET cancel_requested_at = COALESCE(cancel_requested_at, :now), "
                        + "state = CASE WHEN state = 'QUEUED' THEN 'CANCELLED' ELSE state END, "
                        + "reason = CASE WHEN state = 'QUEUED' THEN 'Cancelled' ELSE reason END, "
                        + "detail = CASE WHEN state = 'QUEUED' THEN 'cancelled on request before it ran' || "
                        + "CASE WHEN attempts > 0 THEN ' again' ELSE '' END ELSE detail END, "
                        + "finished_at = CASE WHEN state = 'QUEUED' THEN :now ELSE finished_at END "
                        + "WHERE id = :id AND tenant = :tenant AND state IN ('QUEUED', 'STARTING', 'RUNNING')")
                .setParameter("now", Instant.now())
                .setParameter("id", id)
                .setParameter("tenant", tenant)
                .executeUpdate();
        Job job = em.find(Job.class, id);
        if (job == null || !job.tenant.equals(tenant)) {
            throw ProblemException.notFound("job " + id);
        }
        if (requested == 1) {
            audit.record(AuditEntry.success("job.cancel", tenant, "job/" + id).reason("requested; the job is " + job.state));
        }
        return job;
    }
}
