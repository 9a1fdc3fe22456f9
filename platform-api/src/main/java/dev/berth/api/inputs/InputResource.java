package dev.berth.api.inputs;

import dev.berth.api.auth.CallerTenant;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

/** Tenants upload input tars for their jobs; a job names one in {@code inputs.upload}. */
@Path("/api/v1/inputs")
@RolesAllowed({"tenant-member", "tenant-admin"})
@Produces(MediaType.APPLICATION_JSON)
public class InputResource {

    @Inject
    CallerTenant caller;
    @Inject
    InputUploads uploads;

    @POST
    @Consumes(InputUploads.MEDIA_TYPE)
    public Response upload(InputStream body) throws IOException {
        UploadView upload = uploads.upload(caller.id(), body);
        return Response.created(URI.create("/api/v1/inputs/" + upload.id())).entity(upload).build();
    }
}
