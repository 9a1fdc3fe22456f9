package dev.berth.api.policy;

import dev.berth.api.audit.AuditEntry;
import dev.berth.api.audit.AuditLog;
import dev.berth.api.json.JsonColumns;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.refusals.Refusals;
import dev.berth.api.tenants.Tenant;
import dev.berth.api.tenants.TenantService;
import dev.berth.policy.JobAdmission;
import dev.berth.policy.Violation;
import dev.berth.policy.tenant.TenantPolicy;
import dev.berth.policy.tenant.TenantPolicyValidator;
import dev.berth.policy.tenant.TenantQuota;
import dev.berth.policy.tenant.TenantQuotaValidator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Tenant policies and quotas: what admission applies to a tenant, and what a platform admin may
 * store. A document is validated against the platform baseline before it is stored; a refused
 * one changes nothing.
 */
@ApplicationScoped
public class TenantPolicies {

    /** Tenant IDs are Keycloak organization aliases; this keeps them safe in paths and logs. */
    private static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    @Inject
    EntityManager em;
    @Inject
    TenantService tenants;
    @Inject
    JobAdmission admission;
    @Inject
    JsonColumns json;
    @Inject
    AuditLog audit;
    @Inject
    Refusals refusals;

    /** The policy admission applies: the stored one, or the default for a tenant nobody configured. */
    @Transactional
    public TenantPolicy policyOf(String tenant) {
        StoredPolicy stored = em.find(StoredPolicy.class, tenant);
        return stored == null ? TenantPolicy.defaults() : json.read(stored.policyJson, TenantPolicy.class);
    }

    /** The quota admission applies: the stored one, or the default for a tenant nobody configured. */
    @Transactional
    public TenantQuota quotaOf(String tenant) {
        StoredQuota stored = em.find(StoredQuota.class, tenant);
        return stored == null ? TenantQuota.defaults() : stored.toQuota();
    }

    @Transactional
    public TenantPolicy policyOfKnown(String tenant) {
        requireKnown(tenant);
        return policyOf(tenant);
    }

    @Transactional
    public TenantQuota quotaOfKnown(String tenant) {
        requireKnown(tenant);
        return quotaOf(tenant);
    }

    /** Stores the policy, registering the tenant if this is the first anyone has heard of it. */
    @Transactional
    public TenantPolicy storePolicy(String tenant, TenantPolicy policy, String admin) {
        refusals.refuseIfAny(tenantIdViolations(tenant));
        refusals.refuseIfAny(TenantPolicyValidator.validate(policy, admission.ceilings()));
        tenants.findOrRegister(tenant);
        StoredPolicy stored = em.find(StoredPolicy.class, tenant);
        boolean first = stored == null;
        Object before = first ? null : json.tree(stored.policyJson);
        if (first) {
            stored = new StoredPolicy();
            stored.tenant = tenant;
        }
        stored.policyJson = json.write(policy);
        stored.updatedAt = Instant.now();
        stored.updatedBy = admin;
        if (first) {
            em.persist(stored);
        }
        audit.record(AuditEntry.success("tenant.policy.update", tenant, "tenant/" + tenant + "/policy")
                .reason(json.write(new DocumentChange(before, policy))));
        return policy;
    }

    /** Stores the quota, registering the tenant if this is the first anyone has heard of it. */
    @Transactional
    public TenantQuota storeQuota(String tenant, TenantQuota quota, String admin) {
        refusals.refuseIfAny(tenantIdViolations(tenant));
        refusals.refuseIfAny(TenantQuotaValidator.validate(quota));
        tenants.findOrRegister(tenant);
        StoredQuota stored = em.find(StoredQuota.class, tenant);
        boolean first = stored == null;
        TenantQuota before = first ? null : stored.toQuota();
        if (first) {
            stored = new StoredQuota();
            stored.tenant = tenant;
        }
        stored.set(quota);
        stored.updatedAt = Instant.now();
        stored.updatedBy = admin;
        if (first) {
            em.persist(stored);
        }
        audit.record(AuditEntry.success("tenant.quota.update", tenant, "tenant/" + tenant + "/quota")
                .reason(json.write(new DocumentChange(before, quota))));
        return quota;
    }

    private void requireKnown(String tenant) {
        if (em.find(Tenant.class, tenant) == null) {
            throw ProblemException.notFound("tenant " + tenant);
        }
    }

    private static List<Violation> tenantIdViolations(String tenant) {
        return TENANT_ID.matcher(tenant).matches() ? List.of() : List.of(new Violation("tenant.id", "tenant",
                "a tenant ID is 1-63 characters [A-Za-z0-9._-] starting with a letter or digit, as in the token's organization claim"));
    }
}
