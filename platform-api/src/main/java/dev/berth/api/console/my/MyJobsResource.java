package dev.berth.api.console.my;

import dev.berth.api.console.ConsolePages;
import dev.berth.api.console.ConsoleTemplates;
import dev.berth.api.console.jobs.JobPages;
import dev.berth.api.console.session.ConsoleAccess;
import dev.berth.api.jobs.JobListing;
import dev.berth.api.jobs.JobPage;
import dev.berth.api.lifecycle.JobState;
import dev.berth.api.problems.ProblemException;
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

/**
 * A tenant member's own jobs, filtered by state and label as {@code GET /api/v1/jobs} filters them,
 * and one job's page. Another tenant's job is a missing page, as on the API.
 */
@Path("/console/my/jobs")
@Produces(MediaType.TEXT_HTML)
public class MyJobsResource {

    @Inject
    ConsoleAccess access;
    @Inject
    JobListing listing;
    @Inject
    JobPages pages;

    @GET
    public Response list(@QueryParam("state") String state, @QueryParam("label") String label, @QueryParam("cursor") String cursor) {
        String tenant = access.requireTenant();
        String wanted = state == null || state.isBlank() ? "" : state;
        String labelled = label == null || label.isBlank() ? "" : label.strip();
        JobPage found = null;
        String error = null;
        try {
            found = listing.list(tenant, wanted.isEmpty() ? List.of() : List.of(wanted), labelled.isEmpty() ? List.of() : List.of(labelled),
                    cursor, null);
        } catch (ProblemException invalid) {
            error = invalid.getMessage();
        }
        List<String> states = Arrays.stream(JobState.values()).map(Enum::name).toList();
        return ConsolePages.html(error == null ? 200 : 400, ConsoleTemplates.myJobs(tenant, states, wanted, labelled,
                found == null ? List.of() : found.items(), found == null ? null : found.next(), error));
    }

    @GET
    @Path("/{id}")
    public Response show(@PathParam("id") String id) {
        String tenant = access.requireTenant();
        return pages.page(tenant, id, "/console/my/jobs/" + id, false);
    }

    /** One artifact as a file download: the console session stands in for the API's bearer token. */
    @GET
    @Path("/{id}/artifacts/{name: .+}")
    @Produces({MediaType.APPLICATION_OCTET_STREAM, MediaType.TEXT_HTML})
    public Response artifact(@PathParam("id") String id, @PathParam("name") String name, @QueryParam("attempt") Integer attempt) {
        String tenant = access.requireTenant();
        return pages.artifact(tenant, id, name, attempt);
    }

    /** The output fragment the job page polls. */
    @GET
    @Path("/{id}/log")
    public Response log(@PathParam("id") String id) {
        String tenant = access.requireTenant();
        return pages.log(tenant, id);
    }
}
