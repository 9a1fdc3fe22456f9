package dev.berth.api.tenants;

import dev.berth.api.identity.Organizations;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import dev.berth.api.refusals.Refusals;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Creates a tenant in both places it lives: the identity provider's organization first (it can
 * refuse, e.g. a taken alias, and then nothing is written), then the tenant row with its ID range.
 * If the database step fails the organization is deleted again, so neither half is left alone.
 */
@ApplicationScoped
public class TenantProvisioning {

    private static final Logger LOG = Logger.getLogger(TenantProvisioning.class);

    @Inject
    Organizations organizations;
    @Inject
    TenantRegistrations registrations;
    @Inject
    Refusals refusals;

    public void provision(String id, String requestedName, String actor) {
        refusals.refuseIfAny(TenantIds.idViolations(id));
        refusals.refuseIfAny(TenantIds.nameViolations(requestedName));
        String name = TenantIds.displayName(requestedName, id);
        if (registrations.isProvisioned(id)) {
            throw new ProblemException(ProblemType.TENANT_EXISTS, "tenant " + id + " is already provisioned: choose another ID, or manage its members instead");
        }
        String organizationId = organizations.create(id, name);
        try {
            registrations.register(id, name, organizationId, actor);
        } catch (RuntimeException failure) {
            throw compensate(id, organizationId, failure);
        }
    }

    private ProblemException compensate(String id, String organizationId, RuntimeException failure) {
        LOG.warnf(failure, "provisioning tenant %s failed in the database; removing its organization %s again", id, organizationId);
        try {
            organizations.delete(organizationId);
        } catch (RuntimeException deleteFailure) {
            LOG.errorf(deleteFailure, "organization %s of tenant %s could not be removed after a failed provisioning", organizationId, id);
            return new ProblemException(ProblemType.PROVISIONING_INCOMPLETE, "the database refused tenant " + id + " and removing its Keycloak organization " + organizationId
                            + " failed too: delete that organization in Keycloak, then provision again");
        }
        if (failure instanceof ProblemException problem) {
            return problem;
        }
        return new ProblemException(ProblemType.PROVISIONING_FAILED, "the database refused tenant " + id + " (" + failure.getMessage() + "); its Keycloak organization was removed"
                        + " again and nothing is left behind: check the database, then provision again");
    }
}
