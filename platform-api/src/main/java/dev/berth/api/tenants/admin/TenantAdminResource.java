package dev.berth.api.tenants.admin;

import dev.berth.api.tenants.TenantListing;
import dev.berth.api.tenants.TenantProvisioning;
import dev.berth.api.tenants.TenantSummary;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;

/** Platform admins provision tenants and see them all with their usage. */
@Path("/api/v1/admin/tenants")
@RolesAllowed(TenantAccess.PLATFORM_ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class TenantAdminResource {

    /** {@code name} is for people; {@code id} becomes the organization alias tokens carry. */
    public record NewTenant(String id, String name) {
    }

    @Inject
    TenantProvisioning provisioning;
    @Inject
    TenantListing listing;
    @Inject
    TenantAccess access;

    @GET
    public List<TenantSummary> list() {
        return listing.all();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response provision(NewTenant request) {
        provisioning.provision(request.id(), request.name(), access.actor());
        TenantSummary created = listing.one(request.id()).orElseThrow();
        return Response.created(URI.create("/api/v1/admin/tenants/" + created.id())).entity(created).build();
    }
}
