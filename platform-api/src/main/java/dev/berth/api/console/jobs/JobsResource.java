package dev.berth.api.console.jobs;

import dev.berth.api.console.ConsolePages;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.console.ConsoleNotFound;
import dev.berth.api.console.ConsoleTemplates;
import dev.berth.api.console.session.ConsoleAccess;
import dev.berth.api.jobs.JobListing;
import dev.berth.api.jobs.JobPage;
import dev.berth.api.jobs.JobService;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Jobs of one tenant at a time, filtered by state, and one job with its security, decisions and output. */
@Path("/console/jobs")
@Produces(MediaType.TEXT_HTML)
public class JobsResource {

    /** htmx stops polling on this status: the attempt is over and its output complete. */
    static final int STOP_POLLING = 286;

    @Inject
    ConsoleAccess access;
    @Inject
    TenantListing tenants;
    @Inject
    JobListing listing;
    @Inject
    JobService jobs;
    @Inject
    LogTail tail;
    @Inject
    ObjectMapper mapper;

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
        JobView job;
        try {
            job = jobs.view(tenant, jobId(tenant, id));
        } catch (ProblemException missing) {
            throw new ConsoleNotFound("Job " + id + " of tenant " + tenant);
        }
        List<ConsoleTemplates.Rule> decisions = new ArrayList<>();
        for (JsonNode decision : job.decisions()) {
            decisions.add(new ConsoleTemplates.Rule(decision.path("rule").asText(), null, decision.path("detail").asText()));
        }
        String security = job.effectiveSecurity() == null || job.effectiveSecurity().isNull() ? null : pretty(job.effectiveSecurity());
        return ConsolePages.html(200, ConsoleTemplates.job(job, security, decisions, Math.max(job.attempts(), 1), LogTail.TAIL_BYTES / 1024).render());
    }

    /** The output fragment the job page polls; answers {@link #STOP_POLLING} once the job is final. */
    @GET
    @Path("/{tenant}/{id}/log")
    public Response log(@PathParam("tenant") String tenant, @PathParam("id") String id) {
        access.requireAdmin();
        LogTail.Tail output;
        try {
            output = tail.of(tenant, jobId(tenant, id));
        } catch (ProblemException unavailable) {
            if (unavailable.problem().status() == 404) {
                throw new ConsoleNotFound("Job " + id + " of tenant " + tenant);
            }
            return ConsolePages.html(STOP_POLLING, ConsoleTemplates.logTail(unavailable.getMessage(), true).render());
        }
        return ConsolePages.html(output.over() ? STOP_POLLING : 200,
                ConsoleTemplates.logTail(output.text().isEmpty() ? "(no output yet)" : output.text(), output.over()).render());
    }

    private static UUID jobId(String tenant, String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new ConsoleNotFound("Job " + id + " of tenant " + tenant);
        }
    }

    private String pretty(JsonNode node) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot show the job's effective security", e);
        }
    }
}
