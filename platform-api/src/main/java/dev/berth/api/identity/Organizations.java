package dev.berth.api.identity;

import java.util.List;

/**
 * The identity provider's organizations: one per tenant, its alias the tenant ID that tokens carry
 * in their {@code organization} claim. Failures end the request as problems that name the cause.
 */
public interface Organizations {

    /** Creates the organization; answers its ID in the identity provider. */
    String create(String alias, String name);

    /** Removes the organization; one that is already gone counts as removed. */
    void delete(String organizationId);

    List<OrganizationMember> members(String organizationId);

    /** Adds an existing user; adding a member again changes nothing. */
    void addMember(String organizationId, String username);

    void removeMember(String organizationId, String username);
}
