package dev.berth.api.inputs;

import dev.berth.api.policy.TenantPolicies;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * A tenant's stored input uploads, counted as stored (the tar's bytes), against its
 * {@code uploadBytes} quota. What an upload may take is read twice: once before its body streams,
 * as a hint to refuse early (a declared length, or a chunked body as it passes the room left), and
 * again as the binding check, under a per-tenant lock, in the transaction that stores the upload's
 * row. That lock is held until the transaction ends, so two uploads of one tenant that each fit
 * but not together are admitted one after the other, and the second sees the first.
 */
@ApplicationScoped
public class UploadQuota {

    /** Distinguishes this lock's keys from every other advisory lock of the platform. */
    private static final String LOCK_PREFIX = "input_uploads:";

    @Inject
    EntityManager em;
    @Inject
    TenantPolicies policies;

    /** What the tenant's quota allows and what its stored uploads already take. */
    public record Room(long quota, long stored) {

        public long left() {
            return Math.max(0, quota - stored);
        }
    }

    /** The tenant's room as committed now; no lock, so only for refusing early. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Room room(String tenant) {
        return new Room(policies.quotaOf(tenant).uploadBytes(), storedBytes(tenant));
    }

    /** The bytes the tenant's stored uploads take. */
    @Transactional(Transactional.TxType.MANDATORY)
    public long storedBytes(String tenant) {
        return ((Number) em.createNativeQuery("SELECT COALESCE(sum(b.bytes), 0) FROM input_uploads u JOIN data_blobs b ON b.id = u.blob_id"
                + " WHERE u.tenant = :tenant").setParameter("tenant", tenant).getSingleResult()).longValue();
    }

    /**
     * Takes the tenant's upload lock until the transaction ends and refuses the upload if the
     * tenant's stored uploads and it together pass the quota; the caller stores its row after this,
     * in the same transaction.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void admit(String tenant, long bytes) {
        em.createNativeQuery("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))").setParameter("key", LOCK_PREFIX + tenant)
                .getSingleResult();
        Room room = room(tenant);
        if (bytes > room.left()) {
            throw exceeded(tenant, room, "the upload is " + bytes + " bytes");
        }
    }

    /** The refusal of an upload that does not fit the room, its size described by {@code what}. */
    public ProblemException exceeded(String tenant, Room room, String what) {
        return new ProblemException(ProblemType.UPLOAD_QUOTA_EXCEEDED, what + ", more than the " + room.left() + " bytes left of tenant "
                + tenant + "'s uploadBytes quota (" + room.quota() + " bytes, " + room.stored() + " in use by its stored uploads);"
                + " nothing was stored: delete uploads its jobs no longer need (DELETE /api/v1/inputs/{id}) or ask a platform admin"
                + " for a larger uploadBytes quota");
    }
}
