package dev.berth.api.jobs;

import dev.berth.api.auth.CallerTenant;
import dev.berth.api.dispatch.Dispatcher;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.JobRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;

/** Tenants submit and follow their jobs. */
@Path("/api/v1/jobs")
@RolesAllowed({"tenant-member", "tenant-admin"})
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    @Inject
    CallerTenant caller;
    @Inject
    JobService jobs;
    @Inject
    JobViews views;
    @Inject
    JobLogs logs;
    @Inject
    Dispatcher dispatcher;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response submit(JobRequest request) {
        Job job = jobs.submit(caller.id(), request);
        dispatcher.wake();
        return Response.created(URI.create("/api/v1/jobs/" + job.id)).entity(views.of(job)).build();
    }

    /** What {@code POST /jobs} would decide for the same request, without running or storing anything. */
    @POST
    @Path("/dry-run")
    @Consumes(MediaType.APPLICATION_JSON)
    public ExecutionPlan dryRun(JobRequest request) {
        return jobs.dryRun(caller.id(), request);
    }

    @GET
    @Path("/{id}")
    public JobView get(@PathParam("id") UUID id) {
        return views.of(jobs.find(caller.id(), id));
    }

    @GET
    @Path("/{id}/logs")
    @Produces(MediaType.TEXT_PLAIN)
    public Response logs(@PathParam("id") UUID id, @QueryParam("stream") @DefaultValue("stdout") String stream) {
        Job job = jobs.find(caller.id(), id);
        java.nio.file.Path file = logs.file(job.id, stream);
        if (!logs.exists(file)) {
            return Response.ok("", MediaType.TEXT_PLAIN_TYPE).build();
        }
        return Response.ok(file.toFile(), MediaType.TEXT_PLAIN_TYPE).build();
    }
}
