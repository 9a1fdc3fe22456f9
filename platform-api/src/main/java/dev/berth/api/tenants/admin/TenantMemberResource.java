package dev.berth.api.tenants.admin;

import dev.berth.api.identity.OrganizationMember;
import dev.berth.api.tenants.TenantMembers;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** Members of a tenant's organization, managed by platform admins or the tenant's own admins. */
@Path("/api/v1/admin/tenants/{tenant}/members")
@RolesAllowed({TenantAccess.PLATFORM_ADMIN, TenantAccess.TENANT_ADMIN})
@Produces(MediaType.APPLICATION_JSON)
public class TenantMemberResource {

    /** An existing user of the Keycloak realm. */
    public record NewMember(String username) {
    }

    @Inject
    TenantMembers members;
    @Inject
    TenantAccess access;

    @GET
    public List<OrganizationMember> list(@PathParam("tenant") String tenant) {
        access.requireAdminOf(tenant);
        return members.list(tenant);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public void add(@PathParam("tenant") String tenant, NewMember member) {
        access.requireAdminOf(tenant);
        members.add(tenant, member.username());
    }

    @DELETE
    @Path("/{username}")
    public void remove(@PathParam("tenant") String tenant, @PathParam("username") String username) {
        access.requireAdminOf(tenant);
        members.remove(tenant, username);
    }
}
