package dev.berth.api.console.session;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.TenantIdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Console sessions on the embedded issuer, which has no login form of its own: a token printed
 * by {@code ./berth token} is pasted once, checked exactly as an API bearer token is (signature,
 * issuer, audience, expiry) and kept in an HttpOnly, SameSite=Strict cookie scoped to /console
 * until it expires. With Keycloak the console's OIDC code flow does this job instead.
 */
@ApplicationScoped
public class EmbeddedLogin {

    static final String COOKIE = "berth_console_session";

    @Inject
    TenantIdentityProvider tokens;
    @ConfigProperty(name = "quarkus.oidc.console.tenant-enabled", defaultValue = "true")
    boolean keycloakConsole;

    /** Whether the console signs people in itself (embedded issuer) rather than through Keycloak. */
    public boolean active() {
        return !keycloakConsole;
    }

    /** The identity the token stands for, or a failure saying why it is not accepted. */
    public Uni<SecurityIdentity> verify(String token) {
        return tokens.authenticate(new AccessTokenCredential(token.strip()));
    }

    String sessionToken(RoutingContext routing) {
        Cookie cookie = routing.request().getCookie(COOKIE);
        return cookie == null ? null : cookie.getValue();
    }

    public void start(RoutingContext routing, SecurityIdentity identity, String token) {
        long lifetime = identity.getPrincipal() instanceof JsonWebToken jwt
                ? jwt.getExpirationTime() - System.currentTimeMillis() / 1000 : 0;
        routing.response().addCookie(cookie(routing, token.strip()).setMaxAge(Math.max(lifetime, 0)));
    }

    public void end(RoutingContext routing) {
        routing.response().addCookie(cookie(routing, "").setMaxAge(0));
    }

    private static Cookie cookie(RoutingContext routing, String value) {
        return Cookie.cookie(COOKIE, value).setPath("/console").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
                .setSecure(routing.request().isSSL());
    }
}
