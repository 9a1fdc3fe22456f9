package dev.berth.api.console.session;

import dev.berth.api.console.ConsolePages;
import dev.berth.api.console.ConsoleTemplates;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/**
 * Signing in and out. On the embedded issuer the console has its own login page; with Keycloak
 * the OIDC code flow signs people in, and logging out ends the Keycloak session too (the OIDC
 * logout path configured for the console tenant).
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class LoginResource {

    static final URI HOME = URI.create("/console/");
    static final URI OIDC_LOGOUT = URI.create("/console/oidc-logout");

    @Inject
    EmbeddedLogin login;
    @Inject
    ConsoleSession session;
    @Inject
    RoutingContext routing;

    @GET
    @Path("/login")
    public Response form() {
        if (!login.active() || session.viewer().signedIn()) {
            return Response.seeOther(HOME).build();
        }
        return ConsolePages.html(200, ConsoleTemplates.login(null));
    }

    @POST
    @Path("/login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> signIn(@FormParam("token") String token) {
        if (!login.active()) {
            return Uni.createFrom().item(Response.seeOther(HOME).build());
        }
        if (token == null || token.isBlank()) {
            return Uni.createFrom().item(refused("Paste a token printed by ./berth token."));
        }
        return login.verify(token)
                .map(identity -> {
                    login.start(routing, identity, token);
                    return Response.seeOther(HOME).build();
                })
                .onFailure().recoverWithItem(failure -> refused("The token was not accepted: it has expired, was signed with another"
                        + " platform's key, or is not meant for berth-api. Print a new one with ./berth token on the platform's host."));
    }

    @POST
    @Path("/logout")
    public Response signOut() {
        if (!login.active()) {
            return Response.seeOther(OIDC_LOGOUT).build();
        }
        login.end(routing);
        return Response.seeOther(URI.create("/console/login")).build();
    }

    @GET
    @Path("/signed-out")
    public TemplateInstance signedOut() {
        return ConsoleTemplates.signedOut();
    }

    private static Response refused(String message) {
        return ConsolePages.html(401, ConsoleTemplates.login(message));
    }
}
