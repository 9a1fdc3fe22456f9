package dev.berth.api.secrets;

import dev.berth.api.auth.CallerTenant;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** A tenant's secrets: values go in and never come out. */
@Path("/api/v1/secrets")
@RolesAllowed({"tenant-member", "tenant-admin"})
@Produces(MediaType.APPLICATION_JSON)
public class SecretResource {

    @Inject
    CallerTenant caller;
    @Inject
    SecretService secrets;

    @GET
    public List<SecretView> list() {
        return secrets.list(caller.id());
    }

    @GET
    @Path("{name}")
    public SecretView get(@PathParam("name") String name) {
        return secrets.get(caller.id(), name);
    }

    /** 201 for a new secret, 200 with the next version for a changed one. */
    @PUT
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response put(@PathParam("name") String name, SecretValue body) {
        SecretView stored = secrets.put(caller.id(), name, body);
        return Response.status(stored.version() == 1 ? 201 : 200).entity(stored).build();
    }

    @DELETE
    @Path("{name}")
    public Response delete(@PathParam("name") String name) {
        secrets.delete(caller.id(), name);
        return Response.noContent().build();
    }
}
