package dev.berth.api.usage.history;

import dev.berth.api.auth.CallerTenant;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** A tenant reads its own usage over time: the series the console draws, per hour (last 48) or per day (last 30). */
@Path("/api/v1/usage/history")
@RolesAllowed({"tenant-member", "tenant-admin"})
@Produces(MediaType.APPLICATION_JSON)
public class UsageHistoryResource {

    @Inject
    CallerTenant caller;
    @Inject
    UsageSeries series;

    @GET
    public UsageChart get(@QueryParam("period") String period) {
        return series.of(caller.id(), period);
    }
}
