package dev.berth.api.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.auth.CallerTenant;
import dev.berth.api.jobs.JobView;
import dev.berth.api.problems.ProblemException;
import dev.berth.policy.Violation;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A subset of the Docker Engine API under {@code /docker}, for {@code DOCKER_HOST=tcp://<host>:<port>/docker}:
 * version negotiation, containers as Berth jobs, their logs, and images. Attach, which needs the
 * hijacked connection, is {@link DockerAttach}. Errors are Docker's {@code {"message": …}}, which
 * the CLI prints after "Error response from daemon"; a policy refusal lists each rule ID and its fix.
 * Not part of Berth's OpenAPI document: Docker's own API reference describes these routes.
 */
@Path("/docker")
@RolesAllowed({"tenant-member", "tenant-admin"})
@Produces(MediaType.APPLICATION_JSON)
public class DockerResource {

    /** The newest Engine API version served; clients negotiate down from theirs (Debian's 20.10 CLI speaks 1.41). */
    public static final String API_VERSION = "1.44";
    public static final String MIN_API_VERSION = "1.24";
    private static final String VERSION = "{version: (v[0-9]+\\.[0-9]+/)?}";
    private static final Logger LOG = Logger.getLogger(DockerResource.class);

    @Inject
    CallerTenant caller;
    @Inject
    DockerService docker;
    @Inject
    DockerImages images;
    @Inject
    DockerLogs logs;
    @Inject
    ObjectMapper json;

    @GET
    @Path(VERSION + "_ping")
    @PermitAll
    @Produces(MediaType.TEXT_PLAIN)
    public Response ping() {
        return withVersion(Response.ok("OK")).build();
    }

    @HEAD
    @Path(VERSION + "_ping")
    @PermitAll
    public Response pingHead() {
        return withVersion(Response.ok()).build();
    }

    private static Response.ResponseBuilder withVersion(Response.ResponseBuilder response) {
        return response.header("API-Version", API_VERSION).header("Ostype", "linux").header("Docker-Experimental", "false")
                .header("Cache-Control", "no-cache, no-store, must-revalidate");
    }

    @GET
    @Path(VERSION + "version")
    public Map<String, Object> version() {
        Map<String, Object> version = new LinkedHashMap<>();
        version.put("Platform", Map.of("Name", "Berth"));
        version.put("Components", List.of(Map.of("Name", "Engine", "Version", "berth", "Details",
                Map.of("ApiVersion", API_VERSION, "MinAPIVersion", MIN_API_VERSION, "Os", "linux", "Arch", "amd64"))));
        version.put("Version", "berth");
        version.put("ApiVersion", API_VERSION);
        version.put("MinAPIVersion", MIN_API_VERSION);
        version.put("Os", "linux");
        version.put("Arch", "amd64");
        version.put("KernelVersion", System.getProperty("os.version"));
        return version;
    }

    @GET
    @Path(VERSION + "info")
    public Map<String, Object> info() {
        String tenant = caller.id();
        List<DockerService.Shown> containers = docker.list(tenant, true);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("ID", "berth");
        info.put("Name", "berth");
        info.put("ServerVersion", "berth");
        info.put("OperatingSystem", "Berth (tenant " + tenant + ")");
        info.put("OSType", "linux");
        info.put("Architecture", "x86_64");
        info.put("Containers", containers.size());
        info.put("ContainersRunning", containers.stream().filter(DockerService.Shown::running).count());
        info.put("ContainersPaused", 0);
        info.put("ContainersStopped", containers.stream().filter(DockerService.Shown::finished).count());
        info.put("Images", images.catalog().size());
        info.put("Driver", "berth");
        info.put("SecurityOptions", List.of("name=seccomp,profile=berth", "name=rootless", "name=userns", "name=no-new-privileges"));
        info.put("Runtimes", Map.of("berth", Map.of("path", "berth")));
        info.put("DefaultRuntime", "berth");
        info.put("Labels", List.of("dev.berth.tenant=" + tenant));
        return info;
    }

    @POST
    @Path(VERSION + "containers/create")
    public Response create(@QueryParam("name") String name, byte[] body) {
        return Response.status(201).entity(Map.of("Id", docker.create(caller.id(), name, parse(body)), "Warnings", List.of())).build();
    }

    /** 204 when the job was submitted, 304 when the container was started before (as Docker answers). */
    @POST
    @Path(VERSION + "containers/{id}/start")
    public Response start(@PathParam("id") String id) {
        return Response.status(docker.start(caller.id(), id) ? 204 : 304).build();
    }

    /**
     * The answer's head goes out at once (the CLI waits for it before it starts the container), the
     * body when the job is over: {@code {"StatusCode": …}}, with an error when the platform, not the
     * program, ended the job.
     */
    @POST
    @Path(VERSION + "containers/{id}/wait")
    public Response await(@PathParam("id") String id, @QueryParam("condition") String condition) {
        String tenant = caller.id();
        DockerService.Shown shown = docker.show(tenant, id);
        StreamingOutput body = out -> {
            out.write(' ');
            out.flush();
            Optional<JobView> job = docker.await(tenant, shown, condition);
            Map<String, Object> result = new LinkedHashMap<>();
            Optional<Integer> status = job.flatMap(DockerService::exitStatus);
            result.put("StatusCode", status.orElse(job.isPresent() ? 125 : 0));
            if (job.isPresent() && status.isEmpty()) {
                result.put("Error", Map.of("Message", "Berth ended job " + job.get().id() + " " + job.get().state() + " (" + job.get().reason()
                        + "): " + job.get().detail()));
            }
            out.write(json.writeValueAsBytes(result));
            out.flush();
        };
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    @Path(VERSION + "containers/{id}/logs")
    @Produces(DockerFrames.MEDIA_TYPE)
    public Response logs(@PathParam("id") String id, @QueryParam("stdout") String stdout, @QueryParam("stderr") String stderr,
                         @QueryParam("follow") String follow) {
        DockerService.Shown shown = docker.show(caller.id(), id);
        return Response.ok(logs.stream(shown, DockerFlags.on(stdout), DockerFlags.on(stderr), DockerFlags.on(follow)),
                DockerFrames.MEDIA_TYPE).build();
    }

    @GET
    @Path(VERSION + "containers/json")
    public List<Map<String, Object>> list(@QueryParam("all") String all) {
        String tenant = caller.id();
        return docker.list(tenant, DockerFlags.on(all)).stream()
                .map(shown -> DockerViews.summary(shown)).toList();
    }

    @GET
    @Path(VERSION + "containers/{id}/json")
    public Map<String, Object> inspect(@PathParam("id") String id) {
        DockerService.Shown shown = docker.show(caller.id(), id);
        return DockerViews.inspect(shown);
    }

    /** Docker's kill; Berth stops the job as its cancel does (SIGTERM, then SIGKILL after the kill grace), whatever the signal. */
    @POST
    @Path(VERSION + "containers/{id}/kill")
    public Response kill(@PathParam("id") String id) {
        docker.kill(caller.id(), id);
        return Response.noContent().build();
    }

    @DELETE
    @Path(VERSION + "containers/{id}")
    public Response remove(@PathParam("id") String id, @QueryParam("force") String force) {
        docker.remove(caller.id(), id, DockerFlags.on(force));
        return Response.noContent().build();
    }

    @GET
    @Path(VERSION + "images/json")
    public List<Map<String, Object>> images() {
        caller.id();
        return images.catalog().stream().map(DockerViews::image).toList();
    }

    /** {@code docker pull}: nothing is fetched from outside; the answer says which image the name means here. */
    @POST
    @Path(VERSION + "images/create")
    public Response pull(@QueryParam("fromImage") String fromImage, @QueryParam("tag") String tag) {
        if (fromImage == null || fromImage.isBlank()) {
            throw new DockerException(400, "fromImage is required; docker import is not offered (platform admins import images)");
        }
        String reference = fromImage + (tag == null || tag.isEmpty() || fromImage.contains("@") ? "" : ":" + tag);
        String digest = images.pull(caller.id(), reference);
        String progress = "{\"status\":\"Pulling from " + escape(fromImage) + "\",\"id\":\"" + escape(tag == null ? "latest" : tag) + "\"}\n"
                + "{\"status\":\"Digest: " + digest + "\"}\n"
                + "{\"status\":\"Status: Image is up to date for " + escape(reference) + "\"}\n";
        return Response.ok(progress, MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private JsonNode parse(byte[] body) {
        try {
            return json.readTree(body == null ? new byte[0] : body);
        } catch (JsonProcessingException e) {
            throw new DockerException(400, "the create body is not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new DockerException(400, "the create body cannot be read: " + e.getMessage());
        }
    }

    @ServerExceptionMapper
    public Response docker(DockerException e) {
        return DockerErrors.response(e.status(), e.getMessage());
    }

    /** Berth's refusals keep their status; the message names every rule and its fix, as the CLI prints only the message. */
    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        List<Violation> violations = e.problem().violations();
        String message = violations == null || violations.isEmpty() ? e.problem().detail()
                : "Berth refused this container: " + violations.stream().map(v -> v.rule() + " (" + v.field() + "): " + v.message())
                .collect(Collectors.joining("; "));
        return DockerErrors.response(e.problem().status(), message);
    }

    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e) {
        return DockerErrors.response(401, DockerErrors.UNAUTHENTICATED);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return DockerErrors.response(401, DockerErrors.UNAUTHENTICATED);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return DockerErrors.response(403, e.getMessage() == null || e.getMessage().isBlank()
                ? "your roles do not allow this request: the Docker API is for tenant-member and tenant-admin tokens" : e.getMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        return DockerErrors.response(e.getResponse().getStatus(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("unexpected failure in the Docker API", e);
        return DockerErrors.response(500, "the platform failed; its log has the cause");
    }
}
