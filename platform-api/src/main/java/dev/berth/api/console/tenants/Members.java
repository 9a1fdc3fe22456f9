package dev.berth.api.console.tenants;

import dev.berth.api.identity.OrganizationMember;
import java.util.List;

/**
 * A tenant's members as the page shows them: the list, or why there is none to manage (a tenant
 * of the embedded issuer has no organization), and the last add or remove that failed.
 */
public record Members(List<OrganizationMember> list, String unavailable, String error) {
}
