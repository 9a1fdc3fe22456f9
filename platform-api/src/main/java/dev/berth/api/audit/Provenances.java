package dev.berth.api.audit;

import dev.berth.api.audit.chain.AuditEvent;
import io.quarkus.arc.Arc;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Reads the actor and request details of the current HTTP request, if there is one. */
@ApplicationScoped
public class Provenances {

    static final String REQUEST_ID_HEADER = "X-Request-Id";
    private static final String REQUEST_ID_KEY = "berth.audit.request-id";
    private static final int MAX_HEADER = 256;

    @Inject
    CurrentVertxRequest request;
    @Inject
    SecurityIdentity identity;

    public Provenance current() {
        if (!Arc.container().requestContext().isActive() || request.getCurrent() == null) {
            return Provenance.PLATFORM;
        }
        return of(identity, request.getCurrent());
    }

    /** For callers holding the request and identity themselves, e.g. security event observers. */
    public static Provenance of(SecurityIdentity who, RoutingContext http) {
        AuditEvent.Actor actor = actor(who);
        if (http == null) {
            return new Provenance(actor, null, null, null);
        }
        SocketAddress remote = http.request().remoteAddress();
        return new Provenance(actor, requestId(http), remote == null ? null : remote.hostAddress(),
                clip(http.request().getHeader("User-Agent")));
    }

    private static AuditEvent.Actor actor(SecurityIdentity who) {
        if (who == null || who.isAnonymous()) {
            return new AuditEvent.Actor("anonymous", null, List.of());
        }
        if (who.getPrincipal() instanceof JsonWebToken token) {
            String subject = token.getSubject() != null ? token.getSubject() : token.getName();
            return new AuditEvent.Actor(subject, token.getClaim("preferred_username"), List.copyOf(who.getRoles()));
        }
        return new AuditEvent.Actor(who.getPrincipal().getName(), null, List.copyOf(who.getRoles()));
    }

    /** The caller's X-Request-Id, or one made up once per request so its events can be grouped. */
    private static String requestId(RoutingContext http) {
        String id = http.get(REQUEST_ID_KEY);
        if (id == null) {
            String given = clip(http.request().getHeader(REQUEST_ID_HEADER));
            id = given != null && !given.isBlank() ? given : UUID.randomUUID().toString();
            http.put(REQUEST_ID_KEY, id);
        }
        return id;
    }

    private static String clip(String header) {
        return header == null || header.length() <= MAX_HEADER ? header : header.substring(0, MAX_HEADER);
    }
}
