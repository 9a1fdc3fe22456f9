package dev.berth.api.console.session;

import dev.berth.api.audit.denials.Denials;
import dev.berth.api.console.ConsoleNotFound;
import dev.berth.api.console.ConsoleTemplates;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Console refusals as pages: to the login page when nobody is signed in, a 403 page that says where to go otherwise. */
public class ConsoleErrorPages {

    @Inject
    Denials denials;

    @ServerExceptionMapper
    public Response loginRequired(ConsoleLoginRequired e) {
        return Response.seeOther(URI.create("/console/login")).build();
    }

    @ServerExceptionMapper
    public Response missing(ConsoleNotFound e) {
        return Response.status(Response.Status.NOT_FOUND).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(ConsoleTemplates.missing(e.getMessage()).render()).build();
    }

    /** Recorded like a refused API call, so the audit log shows console probing too. */
    @ServerExceptionMapper
    public Response denied(ConsoleDenied e) {
        denials.forbidden(e.getMessage());
        return Response.status(Response.Status.FORBIDDEN).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(ConsoleTemplates.forbidden(e.getMessage(), e.viewer().roleList()).render()).build();
    }
}
