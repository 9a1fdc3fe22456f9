package dev.berth.api.usage.history;

import dev.berth.api.problems.ProblemException;
import dev.berth.api.tenants.TenantListing;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** Platform admins read any tenant's usage over time, e.g. before setting its quota. */
@Path("/api/v1/admin/tenants/{tenant}/usage/history")
@RolesAllowed("platform-admin")
@Produces(MediaType.APPLICATION_JSON)
public class TenantUsageHistoryResource {

    @Inject
    TenantListing tenants;
    @Inject
    UsageSeries series;

    @GET
    public UsageChart get(@PathParam("tenant") String tenant, @QueryParam("period") String period) {
        if (tenants.one(tenant).isEmpty()) {
            throw ProblemException.notFound("tenant " + tenant);
        }
        return series.of(tenant, period);
    }
}
