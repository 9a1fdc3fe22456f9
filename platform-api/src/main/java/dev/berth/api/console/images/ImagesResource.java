package dev.berth.api.console.images;

import dev.berth.api.console.ConsolePages;
import dev.berth.api.console.ConsoleTemplates;
import dev.berth.api.console.FormState;
import dev.berth.api.console.session.ConsoleAccess;
import dev.berth.api.console.session.ConsoleSession;
import dev.berth.api.images.ImageCatalog;
import dev.berth.api.images.ImageState;
import dev.berth.api.images.ImageView;
import dev.berth.api.problems.ProblemException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The image catalog: pulls with their progress, and deletes, through the same services as {@code /api/v1/admin/images}. */
@Path("/console/images")
@Produces(MediaType.TEXT_HTML)
public class ImagesResource {

    @Inject
    ConsoleAccess access;
    @Inject
    ConsoleSession session;
    @Inject
    ImageCatalog catalog;

    @GET
    public Response list(@QueryParam("notice") String notice) {
        access.requireAdmin();
        return page(200, FormState.empty(), notice);
    }

    /** The table alone, which the page reloads every few seconds while a pull runs. */
    @GET
    @Path("table")
    public String table() {
        access.requireAdmin();
        List<ImageView> images = catalog.list();
        return ConsoleTemplates.imageTable(images, pulling(images)).render();
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response pull(@FormParam("ref") String ref, @FormParam("name") String name, @FormParam("tag") String tag) {
        access.requireAdmin();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("ref", ref == null ? "" : ref.strip());
        values.put("name", name == null ? "" : name.strip());
        values.put("tag", tag == null ? "" : tag.strip());
        try {
            catalog.requestPull(values.get("ref"), blankToNull(values.get("name")), blankToNull(values.get("tag")), session.subject());
        } catch (ProblemException refused) {
            return page(refused.problem().status(), FormState.of(values).withError("ref", refused.getMessage()), null);
        }
        return Response.seeOther(URI.create("/console/images?notice=pulling")).build();
    }

    @POST
    @Path("{id}/delete")
    public Response delete(@PathParam("id") UUID id) {
        access.requireAdmin();
        try {
            catalog.delete(id);
        } catch (ProblemException refused) {
            return page(refused.problem().status(), FormState.failed(Map.of(), refused.getMessage()), null);
        }
        return Response.seeOther(URI.create("/console/images?notice=deleted")).build();
    }

    private Response page(int status, FormState form, String notice) {
        List<ImageView> images = catalog.list();
        return ConsolePages.html(status, ConsoleTemplates.images(images, pulling(images), form, notice));
    }

    private static boolean pulling(List<ImageView> images) {
        return images.stream().anyMatch(image -> image.state() == ImageState.PULLING);
    }

    private static String blankToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}
