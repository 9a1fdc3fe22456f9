package dev.berth.api.tenants;

import dev.berth.api.audit.AuditEntry;
import dev.berth.api.audit.AuditLog;
import dev.berth.api.problems.ProblemException;
import dev.berth.engine.host.HostIdentity;
import dev.berth.engine.host.SubordinateIds;
import dev.berth.policy.IdRange;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Tenants and their host ID ranges. A tenant seen for the first time gets the next free slot of
 * the service user's subordinate ID block; the range is persisted and never reused.
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
        SubordinateIds block = block();
        int registered = em.createNativeQuery("INSERT INTO tenants (id, range_slot, id_range_start, id_range_size, created_at) "
                        + "SELECT :id, slot, :start + slot * :size, :size, :now FROM (SELECT nextval('tenant_range_slot_seq') AS slot) s "
                        + "ON CONFLICT (id) DO NOTHING")
                .setParameter("id", tenantId)
                .setParameter("start", block.start())
                .setParameter("size", IdRange.TENANT_RANGE_SIZE)
                .setParameter("now", Instant.now())
                .executeUpdate();
        Tenant tenant = em.find(Tenant.class, tenantId);
        if (tenant.idRangeStart + tenant.idRangeSize > block.start() + block.count()) {
            throw new ProblemException(503, "id-ranges-exhausted", "No free host ID range",
                    "the service user's subordinate ID block is used up by " + tenant.rangeSlot
                            + " tenants: give it a larger block in /etc/subuid and /etc/subgid");
        }
        if (registered == 1) {
            audit.record(AuditEntry.success("tenant.register", tenantId, "tenant/" + tenantId)
                    .reason("host IDs " + tenant.idRangeStart + "+" + tenant.idRangeSize));
        }
        return tenant;
    }

    public IdRange rangeOf(Tenant tenant) {
        return new IdRange(tenant.idRangeStart, tenant.idRangeSize);
    }

    private static SubordinateIds block() {
        try {
            return SubordinateIds.of(Path.of("/etc/subuid"), HostIdentity.current())
                    .orElseThrow(() -> new ProblemException(503, "host-unprepared", "Host not prepared",
                            "the service user has no /etc/subuid block: run ./berth up once as root"));
        } catch (IOException e) {
            throw new ProblemException(503, "host-unprepared", "Host not prepared", "cannot read /etc/subuid: " + e.getMessage());
        }
    }
}
