package dev.berth.api.inputs;

import dev.berth.api.auth.CallerTenant;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Tenants upload input tars for their jobs (a job names one in {@code inputs.upload}) and delete
 * them to free room in their uploadBytes quota.
 */
@Path(InputResource.PATH)
@RolesAllowed({"tenant-member", "tenant-admin"})
@Produces(MediaType.APPLICATION_JSON)
public class InputResource {

    /** Its body streams to storage under the upload caps, not the JSON body limit ({@code http.BodyLimits}). */
    public static final String PATH = "/api/v1/inputs";

    @Inject
    CallerTenant caller;
    @Inject
    InputUploads uploads;

    @POST
    @Consumes(InputUploads.MEDIA_TYPE)
    public Response upload(@HeaderParam(HttpHeaders.CONTENT_LENGTH) Long length, InputStream body) throws IOException {
        UploadView upload = uploads.upload(caller.id(), length == null ? OptionalLong.empty() : OptionalLong.of(length), body);
        return Response.created(URI.create("/api/v1/inputs/" + upload.id())).entity(upload).build();
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") UUID id) {
        uploads.delete(caller.id(), id);
        return Response.noContent().build();
    }
}
