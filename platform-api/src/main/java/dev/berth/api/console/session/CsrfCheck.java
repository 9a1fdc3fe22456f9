package dev.berth.api.console.session;

import dev.berth.api.console.ConsolePages;
import dev.berth.api.console.ConsoleTemplates;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.WithFormRead;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

/** Refuses a console request that changes something unless its form carries the CSRF cookie's token. */
public class CsrfCheck {

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    @ServerRequestFilter
    @WithFormRead
    public Response check(ResteasyReactiveContainerRequestContext request, RoutingContext routing) {
        if (SAFE.contains(request.getMethod()) || !routing.normalizedPath().startsWith("/console")) {
            return null;
        }
        Cookie cookie = routing.request().getCookie(CsrfProtection.COOKIE);
        Object field = ((ResteasyReactiveRequestContext) request.getServerRequestContext())
                .getFormParameter(CsrfProtection.FIELD, true, false);
        if (cookie != null && field instanceof String given && same(cookie.getValue(), given)) {
            return null;
        }
        return ConsolePages.html(403, ConsoleTemplates.expired());
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
