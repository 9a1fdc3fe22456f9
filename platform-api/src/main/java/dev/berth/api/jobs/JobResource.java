package dev.berth.api.jobs;

import dev.berth.api.artifacts.ArtifactListing;
import dev.berth.api.artifacts.ArtifactService;
import dev.berth.api.auth.CallerTenant;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.JobRequest;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestMulti;

/** Tenants submit, list, follow and cancel their jobs. */
@Path("/api/v1/jobs")
@RolesAllowed({"tenant-member", "tenant-admin"})
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    /** Set on an answer that repeats an earlier submission with the same Idempotency-Key. */
    public static final String REPLAYED = "Idempotent-Replayed";

    @Inject
    CallerTenant caller;
    @Inject
    JobService jobs;
    @Inject
    JobWaits waits;
    @Inject
    FinalJobViews finalViews;
    @Inject
    JobEvents events;
    @Inject
    JobListing listing;
    @Inject
    LogReader logReader;
    @Inject
    ArtifactService artifacts;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response submit(@HeaderParam("Idempotency-Key") String idempotencyKey, JobRequest request) {
        JobService.Submission submission = jobs.submit(caller.id(), request, Optional.ofNullable(idempotencyKey));
        return Response.created(URI.create("/api/v1/jobs/" + submission.job().id())).entity(submission.job())
                .header(REPLAYED, submission.replayed() ? "true" : null).build();
    }

    /** What {@code POST /jobs} would decide for the same request, without running or storing anything. */
    @POST
    @Path("/dry-run")
    @Consumes(MediaType.APPLICATION_JSON)
    public ExecutionPlan dryRun(JobRequest request) {
        return jobs.dryRun(caller.id(), request);
    }

    @GET
    public JobPage list(@QueryParam("state") List<String> states, @QueryParam("label") List<String> labels,
                        @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        return listing.list(caller.id(), states, labels, cursor, QueryValues.number("limit", limit));
    }

    /**
     * The job; with {@code wait} (e.g. {@code 30s}, at most {@link JobWaits#MAX_WAIT}) the answer
     * comes when the job is final or when the wait ends, with the job as it is then. A final job
     * kept in memory is answered on the event loop; anything else is read on a worker thread, and
     * no thread is held while the request waits.
     */
    @GET
    @Path("/{id}")
    @APIResponse(responseCode = "200", description = "the job", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = JobView.class)))
    public Uni<Response> get(@PathParam("id") UUID id, @QueryParam("wait") String wait) {
        Duration longest = QueryValues.duration("wait", wait, JobWaits.MAX_WAIT);
        Optional<byte[]> kept = caller.tenant().flatMap(tenant -> finalViews.json(tenant, id));
        if (kept.isPresent()) {
            return Uni.createFrom().item(Response.ok(kept.get(), MediaType.APPLICATION_JSON_TYPE).build());
        }
        return Uni.createFrom().completionStage(() -> waits.view(caller.id(), id, longest))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()).map(view -> Response.ok(view).build());
    }

    /** 200 once the job is final (at once for a queued one), 202 while a running job is being stopped. */
    @POST
    @Path("/{id}/cancel")
    public Response cancel(@PathParam("id") UUID id) {
        JobView job = jobs.cancel(caller.id(), id);
        return Response.status(job.state().isFinal() ? 200 : 202).entity(job).build();
    }

    /** What the attempt (by default the latest that left any) collected, and what its caps kept out. */
    @GET
    @Path("/{id}/artifacts")
    public ArtifactListing artifacts(@PathParam("id") UUID id, @QueryParam("attempt") String attempt) {
        return artifacts.list(jobs.find(caller.id(), id), attemptOf(attempt));
    }

    /** One artifact's bytes, streamed from the database by whichever replica answers. */
    @GET
    @Path("/{id}/artifacts/{name: .+}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response artifact(@PathParam("id") UUID id, @PathParam("name") String name, @QueryParam("attempt") String attempt) {
        ArtifactService.Download download = artifacts.download(jobs.find(caller.id(), id), name, attemptOf(attempt));
        return Response.ok(download.content(), MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header("Content-Length", download.artifact().bytes())
                .header("Digest", download.artifact().sha256())
                .header("Berth-Artifact-Attempt", download.artifact().attempt()).build();
    }

    /**
     * The job's transitions as server-sent events ({@code transition}, data: state, attempt, reason,
     * exit code), from its current state to its final one, after which the stream ends. A client
     * that reconnects with {@code Last-Event-ID} is not sent the state it already has again.
     */
    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    public Multi<OutboundSseEvent> events(@PathParam("id") UUID id, @HeaderParam("Last-Event-ID") String lastEventId, @Context Sse sse) {
        return events.follow(caller.id(), id, lastEventId, sse);
    }

    /** Blocking only while the attempt is chosen: the output streams from the shared log store without holding a thread. */
    @GET
    @Path("/{id}/logs")
    @Produces(MediaType.TEXT_PLAIN)
    @Blocking
    public RestMulti<byte[]> logs(@PathParam("id") UUID id, @QueryParam("stream") @DefaultValue("stdout") String stream,
                                  @QueryParam("attempt") String attempt, @QueryParam("offset") String offset,
                                  @QueryParam("follow") String follow) {
        LogReader.AttemptLog chosen = logReader.attempt(caller.id(), id, attempt);
        Long from = QueryValues.number("offset", offset);
        return RestMulti.fromMultiData(logReader.stream(chosen, stream, from == null ? 0 : from, QueryValues.flag("follow", follow)))
                .header("Berth-Log-Attempt", Integer.toString(chosen.attempt()))
                .build();
    }

    /** An attempt number; one too large to be any job's is still refused as invalid-attempt, by the service. */
    private static Integer attemptOf(String attempt) {
        Long number = QueryValues.number("attempt", attempt);
        return number == null ? null : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, number));
    }
}
