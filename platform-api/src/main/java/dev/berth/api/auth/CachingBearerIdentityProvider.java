package dev.berth.api.auth;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.runtime.OidcTenantConfig;
import io.quarkus.oidc.runtime.OidcTenantConfig.ApplicationType;
import io.quarkus.oidc.TenantIdentityProvider;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Serves API bearer tokens that were verified before from {@link VerifiedTokens}, in front of the
 * OIDC identity provider: a token seen for the first time (or again after it left the cache) is
 * verified by Quarkus OIDC itself for the default tenant, with every check it makes (signature,
 * issuer, audience, expiry), and only an identity it accepted is kept. Only bearer access tokens of
 * the default tenant (the API's) are served; the console's code flow and anything else go straight
 * to OIDC.
 */
@ApplicationScoped
public class CachingBearerIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private static final String DEFAULT_TENANT = "Default";

    private final TenantIdentityProvider oidc;
    private final VerifiedTokens verified;
    private final Counter hits;
    private final Counter misses;

    @Inject
    CachingBearerIdentityProvider(TenantIdentityProvider oidc, TokenCacheConfig config, MeterRegistry registry,
                                  @ConfigProperty(name = "quarkus.oidc.token.age") Optional<Duration> tokenAge) {
        this.oidc = oidc;
        this.verified = config.maxEntries() > 0
                ? new VerifiedTokens(config.maxEntries(), config.maxAge(), tokenAge, Instant::now, Ticker.systemTicker())
                : null;
        this.hits = Counter.builder("berth.auth.token.cache").tag("result", "hit")
                .description("API requests whose bearer token was found verified").register(registry);
        this.misses = Counter.builder("berth.auth.token.cache").tag("result", "miss")
                .description("API requests whose bearer token OIDC verified in full").register(registry);
        if (verified != null) {
            Gauge.builder("berth.auth.token.cache.size", verified, VerifiedTokens::size)
                    .description("verified bearer tokens kept").register(registry);
        }
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    /** Ahead of Quarkus OIDC's provider, which keeps the default priority and answers whatever this one leaves. */
    @Override
    public int priority() {
        return IdentityProvider.super.priority() + 1;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        RoutingContext routing = HttpSecurityUtils.getRoutingContextAttribute(request);
        if (verified == null || !(request.getToken() instanceof AccessTokenCredential credential) || !forDefaultTenant(routing)) {
            return Uni.createFrom().nullItem();
        }
        String token = credential.getToken();
        Optional<SecurityIdentity> known = verified.lookup(token);
        if (known.isPresent()) {
            hits.increment();
            return Uni.createFrom().item(forRequest(known.get(), routing));
        }
        misses.increment();
        return oidc.authenticate(credential)
                .invoke(identity -> verified.remember(token, identity))
                .map(identity -> forRequest(identity, routing));
    }

    /** Whether OIDC resolved this request to the default tenant, the API's bearer-only one. */
    private static boolean forDefaultTenant(RoutingContext routing) {
        // OIDC's authentication mechanism keeps the tenant it resolved under this name.
        if (routing == null || !(routing.get(io.quarkus.oidc.OidcTenantConfig.class.getName()) instanceof OidcTenantConfig tenant)) {
            return false;
        }
        return tenant.tenantId().orElse(DEFAULT_TENANT).equals(DEFAULT_TENANT)
                && tenant.applicationType().orElse(ApplicationType.SERVICE) == ApplicationType.SERVICE;
    }

    /** The identity bound to this request, as OIDC binds the ones it builds (the kept one is shared). */
    private static SecurityIdentity forRequest(SecurityIdentity identity, RoutingContext routing) {
        return QuarkusSecurityIdentity.builder(identity).addAttribute(RoutingContext.class.getName(), routing).build();
    }
}
