package dev.berth.api.console.usage;

import dev.berth.api.console.ConsolePages;
import dev.berth.api.console.ConsoleTemplates;
import dev.berth.api.console.session.ConsoleAccess;
import dev.berth.api.tenants.TenantListing;
import dev.berth.api.tenants.TenantSummary;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** Any tenant's usage over time, for a platform admin deciding its quota. */
@Path("/console/usage")
@Produces(MediaType.TEXT_HTML)
public class UsageResource {

    @Inject
    ConsoleAccess access;
    @Inject
    TenantListing tenants;
    @Inject
    UsageCharts charts;

    @GET
    public Response show(@QueryParam("tenant") String tenant, @QueryParam("period") String period) {
        access.requireAdmin();
        List<String> ids = tenants.all().stream().map(TenantSummary::id).toList();
        String chosen = tenant != null && ids.contains(tenant) ? tenant : ids.isEmpty() ? null : ids.getFirst();
        String error = tenant != null && !tenant.isBlank() && !ids.contains(tenant) ? "There is no tenant " + tenant
                + (chosen == null ? "." : "; showing " + chosen + ".") : null;
        return ConsolePages.html(200, ConsoleTemplates.usage(ids, chosen,
                chosen == null ? null : charts.of(chosen, period, "/console/usage?tenant=" + chosen), error));
    }
}
