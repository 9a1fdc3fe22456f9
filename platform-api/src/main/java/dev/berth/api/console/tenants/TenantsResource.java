package dev.berth.api.console.tenants;

import dev.berth.api.console.ConsolePages;
import dev.berth.api.console.ConsoleTemplates;
import dev.berth.api.console.FormState;
import dev.berth.api.console.session.ConsoleAccess;
import dev.berth.api.console.session.ConsoleSession;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.tenants.TenantListing;
import dev.berth.api.tenants.TenantProvisioning;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every tenant, and provisioning a new one through the same service as {@code POST /api/v1/admin/tenants}. */
@Path("/console/tenants")
@Produces(MediaType.TEXT_HTML)
public class TenantsResource {

    @Inject
    ConsoleAccess access;
    @Inject
    ConsoleSession session;
    @Inject
    TenantListing listing;
    @Inject
    TenantProvisioning provisioning;

    @GET
    public Response list(@QueryParam("created") String created) {
        access.requireAdmin();
        return page(200, FormState.empty(), created);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(@FormParam("id") String id, @FormParam("name") String name) {
        access.requireAdmin();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("id", id == null ? "" : id.strip());
        values.put("name", name == null ? "" : name);
        try {
            provisioning.provision(values.get("id"), values.get("name"), session.subject());
        } catch (ProblemException refused) {
            FormState form = refused.problem().violations() == null ? FormState.failed(values, refused.getMessage())
                    : FormState.refused(values, refused.problem().violations(), field -> field);
            return page(refused.problem().status(), form, null);
        }
        return Response.seeOther(URI.create("/console/tenants?created=" + values.get("id"))).build();
    }

    private Response page(int status, FormState form, String created) {
        return ConsolePages.html(status, ConsoleTemplates.tenants(listing.all(), form, created));
    }
}
