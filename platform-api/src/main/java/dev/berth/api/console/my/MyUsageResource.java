package dev.berth.api.console.my;

import dev.berth.api.console.ConsolePages;
import dev.berth.api.console.ConsoleTemplates;
import dev.berth.api.console.overview.TenantBars;
import dev.berth.api.console.session.ConsoleAccess;
import dev.berth.api.console.usage.UsageCharts;
import dev.berth.api.usage.QuotaView;
import dev.berth.api.usage.TenantUsage;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** A tenant member's landing page: the tenant's quota, what it uses of it now, its totals, and its usage over time. */
@Path("/console/my")
@Produces(MediaType.TEXT_HTML)
public class MyUsageResource {

    @Inject
    ConsoleAccess access;
    @Inject
    TenantUsage usage;
    @Inject
    UsageCharts charts;

    @GET
    public Response show(@QueryParam("period") String period) {
        String tenant = access.requireTenant();
        QuotaView quota = usage.of(tenant);
        return ConsolePages.html(200, ConsoleTemplates.myUsage(TenantBars.of(quota), quota.consumed(),
                charts.of(tenant, period, "/console/my")));
    }
}
