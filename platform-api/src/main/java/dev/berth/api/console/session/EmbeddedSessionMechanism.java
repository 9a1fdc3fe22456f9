package dev.berth.api.console.session;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;

/**
 * Authenticates console requests from the embedded session cookie. Only console paths, never the
 * API (whose callers must send bearer tokens, so a cookie cannot be ridden there). A cookie that
 * no longer verifies (expired, key replaced) counts as no session: the pages send the browser to
 * the login page rather than answering 401.
 */
@ApplicationScoped
public class EmbeddedSessionMechanism implements HttpAuthenticationMechanism {

    @Inject
    EmbeddedLogin login;

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext routing, IdentityProviderManager identityProviderManager) {
        if (!login.active() || !routing.normalizedPath().startsWith("/console")) {
            return Uni.createFrom().nullItem();
        }
        String token = login.sessionToken(routing);
        if (token == null || token.isBlank()) {
            return Uni.createFrom().nullItem();
        }
        return login.verify(token).onFailure().recoverWithNull();
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext routing) {
        return Uni.createFrom().nullItem();
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenAuthenticationRequest.class);
    }
}
