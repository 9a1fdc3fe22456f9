package dev.berth.api.identity;

import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.function.Supplier;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.OrganizationResource;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.OrganizationRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/** Keycloak Organizations through the admin client, acting as the platform's service account. */
public class KeycloakOrganizations implements Organizations {

    private final Keycloak keycloak;
    private final String realm;

    public KeycloakOrganizations(Keycloak keycloak, String realm) {
        this.keycloak = keycloak;
        this.realm = realm;
    }

    @Override
    public String create(String alias, String name) {
        OrganizationRepresentation organization = new OrganizationRepresentation();
        organization.setAlias(alias);
        organization.setName(name);
        organization.setEnabled(true);
        organization.setDescription("Berth tenant " + alias);
        try (Response response = call(() -> realm().organizations().create(organization))) {
            if (response.getStatus() == 409) {
                throw new ProblemException(ProblemType.ORGANIZATION_EXISTS, "Keycloak realm " + realm + " already has an organization named or aliased '" + alias + "' that no Berth tenant owns:"
                                + " choose another tenant ID, or delete that organization in Keycloak first");
            }
            requireSuccess(response, "create organization " + alias);
            return CreatedResponseUtil.getCreatedId(response);
        }
    }

    @Override
    public void delete(String organizationId) {
        try (Response response = call(() -> organization(organizationId).delete())) {
            if (response.getStatus() != 404) {
                requireSuccess(response, "delete organization " + organizationId);
            }
        }
    }

    @Override
    public List<OrganizationMember> members(String organizationId) {
        return call(() -> organization(organizationId).members().getAll()).stream()
                .map(member -> new OrganizationMember(member.getId(), member.getUsername(), member.getEmail()))
                .toList();
    }

    @Override
    public void addMember(String organizationId, String username) {
        UserRepresentation user = user(username);
        // Berth needs exactly one organization per token: a user in two tenants could act in neither.
        boolean elsewhere = call(() -> realm().organizations().members().getOrganizations(user.getId(), true)).stream()
                .anyMatch(other -> !other.getId().equals(organizationId));
        if (elsewhere) {
            throw new ProblemException(ProblemType.MEMBER_OF_ANOTHER_ORGANIZATION, "user " + username + " already belongs to another organization; a Berth user acts for exactly one tenant:"
                            + " remove the user there first, or use a separate account");
        }
        try (Response response = call(() -> organization(organizationId).members().addMember(user.getId()))) {
            if (response.getStatus() != 409) { // 409: already a member, which is what was asked for
                requireSuccess(response, "add " + username + " to organization " + organizationId);
            }
        }
    }

    @Override
    public void removeMember(String organizationId, String username) {
        UserRepresentation user = user(username);
        try (Response response = call(() -> organization(organizationId).members().member(user.getId()).delete())) {
            if (response.getStatus() == 404) {
                throw ProblemException.notFound("member " + username);
            }
            requireSuccess(response, "remove " + username + " from organization " + organizationId);
        }
    }

    private UserRepresentation user(String username) {
        return call(() -> realm().users().searchByUsername(username, true)).stream().findFirst()
                .orElseThrow(() -> new ProblemException(ProblemType.UNKNOWN_USER, "Keycloak realm " + realm + " has no user named " + username + ": create the user in Keycloak first"));
    }

    private RealmResource realm() {
        return keycloak.realm(realm);
    }

    private OrganizationResource organization(String id) {
        return realm().organizations().get(id);
    }

    private <T> T call(Supplier<T> request) {
        try {
            return request.get();
        } catch (ProcessingException e) {
            throw unavailable("cannot reach Keycloak (" + rootMessage(e) + ")");
        } catch (WebApplicationException e) {
            throw unavailable("Keycloak answered " + e.getResponse().getStatus() + " (" + e.getMessage() + ")");
        }
    }

    private void requireSuccess(Response response, String action) {
        if (response.getStatus() >= 300) {
            throw unavailable("Keycloak refused to " + action + " with " + response.getStatus() + " " + response.readEntity(String.class));
        }
    }

    private ProblemException unavailable(String cause) {
        return new ProblemException(ProblemType.IDENTITY_PROVIDER_FAILED, cause
                + ": check quarkus.keycloak.admin-client.server-url and that the berth-platform service account of realm "
                + realm + " has the realm-management roles manage-realm, manage-users and view-users");
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
