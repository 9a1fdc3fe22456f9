package dev.berth.api.tenants.admin;

import dev.berth.api.auth.CallerTenant;
import dev.berth.api.problems.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

/**
 * Who may administer a tenant's members: platform admins any tenant, a tenant admin only the one
 * tenant of their token. Another tenant answers like a missing one.
 */
@RequestScoped
public class TenantAccess {

    static final String PLATFORM_ADMIN = "platform-admin";
    static final String TENANT_ADMIN = "tenant-admin";

    @Inject
    SecurityIdentity identity;
    @Inject
    CallerTenant caller;

    public void requireAdminOf(String tenantId) {
        if (identity.hasRole(PLATFORM_ADMIN)) {
            return;
        }
        if (!caller.id().equals(tenantId)) {
            throw ProblemException.notFound("tenant " + tenantId);
        }
    }

    public String actor() {
        return identity.getPrincipal().getName();
    }
}
