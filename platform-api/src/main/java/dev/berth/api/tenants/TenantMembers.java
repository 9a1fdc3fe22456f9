package dev.berth.api.tenants;

import dev.berth.api.audit.AuditEntry;
import dev.berth.api.audit.AuditLog;
import dev.berth.api.identity.OrganizationMember;
import dev.berth.api.identity.Organizations;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.List;

/** Members of a provisioned tenant are the members of its organization in the identity provider. */
@ApplicationScoped
public class TenantMembers {

    @Inject
    TenantRegistrations registrations;
    @Inject
    Organizations organizations;
    @Inject
    AuditLog audit;

    public List<OrganizationMember> list(String tenantId) {
        return organizations.members(organizationOf(tenantId));
    }

    /**
     * The event is written first, in a transaction that the identity provider's refusal rolls back:
     * a membership never changes without its audit event.
     */
    @Transactional
    public void add(String tenantId, String username) {
        String organization = organizationOf(tenantId);
        audit.record(AuditEntry.success("tenant.member.add", tenantId, "tenant/" + tenantId + "/member/" + requireUsername(username)));
        organizations.addMember(organization, username);
    }

    @Transactional
    public void remove(String tenantId, String username) {
        String organization = organizationOf(tenantId);
        audit.record(AuditEntry.success("tenant.member.remove", tenantId, "tenant/" + tenantId + "/member/" + requireUsername(username)));
        organizations.removeMember(organization, username);
    }

    private String organizationOf(String tenantId) {
        TenantIdentity identity = registrations.identityOf(tenantId);
        if (identity == null) {
            throw ProblemException.notFound("tenant " + tenantId);
        }
        if (identity.organizationId == null) {
            throw new ProblemException(ProblemType.TENANT_WITHOUT_ORGANIZATION, "tenant " + tenantId + " was provisioned on the embedded token issuer, which keeps no members:"
                            + " run Berth against Keycloak (README, Identity and Keycloak) and provision the tenant there");
        }
        return identity.organizationId;
    }

    private static String requireUsername(String username) {
        if (username == null || username.isBlank()) {
            throw ProblemException.malformed("send {\"username\": \"...\"} naming a Keycloak user");
        }
        return username;
    }
}
