package dev.berth.api.tenants;

import dev.berth.api.audit.AuditEntry;
import dev.berth.api.audit.AuditLog;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import dev.berth.engine.host.HostIdentity;
import dev.berth.engine.host.SubordinateIds;
import dev.berth.policy.IdRange;
import dev.berth.policy.IdRangeAllocator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Tenants and their host ID ranges. A tenant seen for the first time gets the next slot of the
 * sequence and the range {@link IdRangeAllocator} assigns to it; the range is persisted and the
 * slot never reused.
 */
@ApplicationScoped
public class TenantService {

    @Inject
    EntityManager em;
    @Inject
    AuditLog audit;

    /** Finds the tenant, registering it with a fresh ID range on first sight. */
    @Transactional
    public Tenant findOrRegister(String tenantId) {
        Tenant existing = em.find(Tenant.class, tenantId);
        if (existing != null) {
            return existing;
        }
        IdRangeAllocator allocator = allocator();
        long slot = ((Number) em.createNativeQuery("SELECT nextval('tenant_range_slot_seq')").getSingleResult()).longValue();
        IdRange range = allocator.rangeFor(slot).orElseThrow(() -> new ProblemException(ProblemType.ID_RANGES_EXHAUSTED, "the service user's subordinate ID block is used up by " + allocator.capacity()
                        + " tenants: give it a larger block in /etc/subuid and /etc/subgid"));
        int registered = em.createNativeQuery("INSERT INTO tenants (id, range_slot, id_range_start, id_range_size, created_at) "
                        + "VALUES (:id, :slot, :start, :size, :now) ON CONFLICT (id) DO NOTHING")
                .setParameter("id", tenantId)
                .setParameter("slot", slot)
                .setParameter("start", range.hostStart())
                .setParameter("size", range.size())
                .setParameter("now", Instant.now())
                .executeUpdate();
        Tenant tenant = em.find(Tenant.class, tenantId);
        if (registered == 1) {
            audit.record(AuditEntry.success("tenant.register", tenantId, "tenant/" + tenantId)
                    .reason("host IDs " + tenant.idRangeStart + "+" + tenant.idRangeSize));
        }
        return tenant;
    }

    public IdRange rangeOf(Tenant tenant) {
        return new IdRange(tenant.idRangeStart, tenant.idRangeSize);
    }

    private static IdRangeAllocator allocator() {
        try {
            SubordinateIds block = SubordinateIds.of(Path.of("/etc/subuid"), HostIdentity.current())
                    .orElseThrow(() -> new ProblemException(ProblemType.HOST_UNPREPARED, "the service user has no /etc/subuid block: run ./berth up once as root"));
            return new IdRangeAllocator(block.start(), block.count());
        } catch (IOException e) {
            throw new ProblemException(ProblemType.HOST_UNPREPARED, "cannot read /etc/subuid: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ProblemException(ProblemType.HOST_UNPREPARED, e.getMessage());
        }
    }
}
