package dev.berth.api.images;

import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Platform admins pull, import, list and delete the images tenants' jobs may name. */
@Path("/api/v1/admin/images")
@RolesAllowed("platform-admin")
@Produces(MediaType.APPLICATION_JSON)
public class ImageAdminResource {

    /** Its body streams to the image store under berth.images.max-image-bytes, not the JSON body limit ({@code http.BodyLimits}). */
    public static final String IMPORT_PATH = "/api/v1/admin/images/import";

    @Inject
    ImageCatalog catalog;
    @Inject
    ImageImports imports;
    @Inject
    JsonWebToken token;

    @GET
    public List<ImageView> list() {
        return catalog.list();
    }

    @GET
    @Path("{id}")
    public ImageView get(@PathParam("id") UUID id) {
        return catalog.find(id);
    }

    /** Accepted at once; the pull runs on an engine replica and its progress shows on the image. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response pull(PullRequest request) {
        if (request.ref() == null) {
            throw new ProblemException(ProblemType.INVALID_IMAGE, "send {\"ref\": \"registry.example:5000/team/app:1.0\"}");
        }
        ImageView image = catalog.requestPull(request.ref(), request.name(), request.tag(), token.getSubject());
        return Response.accepted(image).location(URI.create("/api/v1/admin/images/" + image.id())).build();
    }

    @POST
    @Path("import")
    @Consumes({ImageImports.ROOTFS_TAR, ImageImports.OCI_ARCHIVE})
    public Response importImage(@QueryParam("name") String name, @QueryParam("tag") String tag,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long length,
            InputStream body) {
        MediaType type = MediaType.valueOf(contentType);
        ImageView image = imports.importBody(name, tag, type.getType() + "/" + type.getSubtype(),
                length == null ? OptionalLong.empty() : OptionalLong.of(length), body, token.getSubject());
        return Response.created(URI.create("/api/v1/admin/images/" + image.id())).entity(image).build();
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") UUID id) {
        catalog.delete(id);
        return Response.noContent().build();
    }
}
