package dev.berth.api.usage;

import dev.berth.api.auth.CallerTenant;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** A tenant reads its own quota and what it uses of it. */
@Path("/api/v1/quota")
@RolesAllowed({"tenant-member", "tenant-admin"})
@Produces(MediaType.APPLICATION_JSON)
public class QuotaResource {

    @Inject
    CallerTenant caller;
    @Inject
    TenantUsage usage;

    @GET
    public QuotaView get() {
        return usage.of(caller.id());
    }
}
