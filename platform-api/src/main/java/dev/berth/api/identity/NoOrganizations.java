package dev.berth.api.identity;

import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import java.util.List;

/**
 * The quick start's embedded issuer has no directory: tenants exist only in Berth, and whoever
 * holds a token from {@code ./berth token} acts for the tenant it names.
 */
public class NoOrganizations implements Organizations {

    @Override
    public String create(String alias, String name) {
        return null;
    }

    @Override
    public void delete(String organizationId) {
        // nothing was created
    }

    @Override
    public List<OrganizationMember> members(String organizationId) {
        throw noDirectory();
    }

    @Override
    public void addMember(String organizationId, String username) {
        throw noDirectory();
    }

    @Override
    public void removeMember(String organizationId, String username) {
        throw noDirectory();
    }

    private static ProblemException noDirectory() {
        return new ProblemException(ProblemType.NO_IDENTITY_PROVIDER, "members live in Keycloak, and this platform runs on the embedded token issuer: set quarkus.oidc.auth-server-url"
                        + " and quarkus.keycloak.admin-client.server-url (README, Identity and Keycloak), or mint tokens with ./berth token");
    }
}
