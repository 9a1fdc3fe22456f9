package dev.berth.api.tenants;

import dev.berth.api.audit.AuditEntry;
import dev.berth.api.audit.AuditLog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;

/** The database half of provisioning: the tenant row with its ID range and its identity, in one transaction. */
@ApplicationScoped
public class TenantRegistrations {

    @Inject
    EntityManager em;
    @Inject
    TenantService tenants;
    @Inject
    AuditLog audit;

    @Transactional
    public boolean isProvisioned(String tenantId) {
        return em.find(TenantIdentity.class, tenantId) != null;
    }

    @Transactional
    public TenantIdentity identityOf(String tenantId) {
        return em.find(TenantIdentity.class, tenantId);
    }

    /** Commits on return; anything that fails rolls back both rows. */
    @Transactional
    public void register(String tenantId, String displayName, String organizationId, String provisionedBy) {
        tenants.findOrRegister(tenantId);
        TenantIdentity identity = new TenantIdentity();
        identity.tenant = tenantId;
        identity.displayName = displayName;
        identity.organizationId = organizationId;
        identity.provisionedBy = provisionedBy;
        identity.provisionedAt = Instant.now();
        em.persist(identity);
        audit.record(AuditEntry.success("tenant.provision", tenantId, "tenant/" + tenantId).reason("organization " + organizationId));
    }
}
