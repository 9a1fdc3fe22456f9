package dev.berth.api.console.session;

import dev.berth.api.auth.CallerTenant;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The viewer and the CSRF token of the current console request; templates read it as {@code inject:consoleSession}. */
@RequestScoped
@Named("consoleSession")
public class ConsoleSession {

    @Inject
    SecurityIdentity identity;
    @Inject
    RoutingContext routing;
    @Inject
    CallerTenant tenant;

    public Viewer viewer() {
        if (identity.isAnonymous()) {
            return Viewer.NOBODY;
        }
        String name = identity.getPrincipal().getName();
        if (identity.getPrincipal() instanceof JsonWebToken token && token.getClaim("preferred_username") != null) {
            name = token.getClaim("preferred_username").toString();
        }
        return new Viewer(true, name, identity.getRoles(), tenant.tenant().orElse(null));
    }

    /** Who changes recorded in the stored documents were made by: the token subject, as the API records it. */
    public String subject() {
        return identity.getPrincipal() instanceof JsonWebToken token && token.getSubject() != null
                ? token.getSubject() : identity.getPrincipal().getName();
    }

    public String csrf() {
        return CsrfProtection.token(routing);
    }
}
