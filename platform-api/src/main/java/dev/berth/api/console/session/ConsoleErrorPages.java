package dev.berth.api.console.session;

import dev.berth.api.console.ConsoleNotFound;
import dev.berth.api.console.ConsolePages;
import dev.berth.api.console.ConsoleTemplates;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Console refusals as pages: to the login page when nobody is signed in, a 403 page that says where to go otherwise. */
public class ConsoleErrorPages {

    @ServerExceptionMapper
    public Response loginRequired(ConsoleLoginRequired e) {
        return Response.seeOther(URI.create("/console/login")).build();
    }

    @ServerExceptionMapper
    public Response missing(ConsoleNotFound e) {
        return ConsolePages.html(404, ConsoleTemplates.missing(e.getMessage()));
    }

    @ServerExceptionMapper
    public Response denied(ConsoleDenied e) {
        return ConsolePages.html(403, ConsoleTemplates.forbidden(e.getMessage(), e.viewer().roleList()));
    }
}
