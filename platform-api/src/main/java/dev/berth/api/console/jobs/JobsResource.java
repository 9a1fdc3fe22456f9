package dev.berth.api.console.jobs;

import dev.berth.api.console.ConsolePages;
import dev.berth.api.console.ConsoleTemplates;
import dev.berth.api.console.session.ConsoleAccess;
import dev.berth.api.jobs.JobListing;
import dev.berth.api.jobs.JobPage;
import dev.berth.api.jobs.JobView;
import dev.berth.api.lifecycle.JobState;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.tenants.TenantListing;
import dev.berth.api.tenants.TenantSummary;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.List;

/** Any tenant's jobs, one tenant at a time, filtered by state, and one job with its security, decisions and output. */
@Path("/console/jobs")
@Produces(MediaType.TEXT_HTML)
public class JobsResource {

    @Inject
    ConsoleAccess access;
    @Inject
    TenantListing tenants;
    @Inject
    JobListing listing;
    @Inject
    JobPages pages;

    @GET
    public Response list(@QueryParam("tenant") String tenant, @QueryParam("state") String state, @QueryParam("cursor") String cursor) {
        access.requireAdmin();
        List<String> ids = tenants.all().stream().map(TenantSummary::id).toList();
        String chosen = tenant != null && ids.contains(tenant) ? tenant : ids.isEmpty() ? null : ids.getFirst();
        String wanted = state == null || state.isBlank() ? null : state;
        List<JobView> page = List.of();
        String next = null;
        String error = null;
        if (tenant != null && !tenant.isBlank() && !ids.contains(tenant)) {
            error = "There is no tenant " + tenant + "; showing " + chosen + ".";
        }
        if (chosen != null) {
            try {
                JobPage found = listing.list(chosen, wanted == null ? List.of() : List.of(wanted), List.of(), cursor, null);
                page = found.items();
                next = found.next();
            } catch (ProblemException invalid) {
                error = invalid.getMessage();
            }
        }
        List<String> states = Arrays.stream(JobState.values()).map(Enum::name).toList();
        return ConsolePages.html(200, ConsoleTemplates.jobs(ids, chosen, states, wanted == null ? "" : wanted, page, next, error).render());
    }

    @GET
    @Path("/{tenant}/{id}")
    public Response show(@PathParam("tenant") String tenant, @PathParam("id") String id) {
        access.requireAdmin();
        return pages.page(tenant, id, "/console/jobs/" + tenant + "/" + id, true);
    }

    /** The output fragment the job page polls. */
    @GET
    @Path("/{tenant}/{id}/log")
    public Response log(@PathParam("tenant") String tenant, @PathParam("id") String id) {
        access.requireAdmin();
        return pages.log(tenant, id);
    }
}
