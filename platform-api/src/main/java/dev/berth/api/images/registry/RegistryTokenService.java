package dev.berth.api.images.registry;

import dev.berth.api.audit.AuditEntry;
import dev.berth.api.audit.AuditLog;
import dev.berth.api.audit.Provenances;
import dev.berth.api.auth.CallerTenant;
import dev.berth.api.auth.RegistryAccessRules;
import dev.berth.api.auth.RegistryScope;
import dev.berth.api.auth.RegistryTokens;
import dev.berth.api.config.BerthConfig;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import dev.berth.policy.tenant.TenantQuota;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.TenantIdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The registry's token service. A client logs in to the registry with any user name and a Berth
 * bearer token as its password (registry clients send it to this service as Basic
 * credentials); the token is verified exactly as the API verifies it, and the registry token
 * handed back carries only the access {@link RegistryAccessRules} allows. Every request is
 * audited with what was granted and what was refused.
 */
@ApplicationScoped
public class RegistryTokenService {

    @Inject
    TenantIdentityProvider identities;
    @Inject
    RegistryTokens tokens;
    @Inject
    AuditLog audit;
    @Inject
    BerthConfig config;
    @Inject
    RegistryUsage usage;
    @Inject
    EntityManager em;

    /**
     * The token answer, with what was granted and refused; {@code overQuota} says why a push was
     * refused when the tenant's registry storage is used up, so the client can be told plainly.
     */
    public record Answer(RegistryTokens.Issued issued, List<RegistryScope> granted, List<String> refused, Optional<String> overQuota) {
    }

    @Transactional
    public Answer issue(Optional<String> authorization, String service, List<String> scopes, RoutingContext http) {
        if (service != null && !service.equals(config.registry().service())) {
            throw new ProblemException(ProblemType.INVALID_PARAMETER, "this token service serves the registry '" + config.registry().service()
                    + "', not '" + service + "': check the registry's auth.token.service setting");
        }
        SecurityIdentity caller = authorization.map(this::verify).orElse(null);
        Set<String> roles = caller == null ? Set.of() : caller.getRoles();
        Optional<String> tenant = caller != null && caller.getPrincipal() instanceof JsonWebToken jwt
                ? Optional.of(CallerTenant.organizationsOf(jwt)).filter(list -> list.size() == 1).map(List::getFirst)
                : Optional.empty();
        RegistryAccessRules rules = new RegistryAccessRules(config.registry().platformNamespace());
        List<RegistryScope> granted = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (String scope : scopes) {
            Optional<RegistryScope> asked = RegistryScope.parse(scope);
            Set<String> actions = asked.map(parsed -> rules.granted(parsed, roles, tenant)).orElse(Set.of());
            if (!actions.isEmpty()) {
                granted.add(new RegistryScope(asked.get().type(), asked.get().name(), actions));
            }
            if (asked.isEmpty() || !actions.containsAll(asked.get().actions())) {
                refused.add(scope);
            }
        }
        Optional<String> overQuota = tenant.flatMap(id -> quotaRefusal(id, granted));
        if (overQuota.isPresent()) {
            List<RegistryScope> pushes = granted.stream().filter(grant -> grant.actions().contains("push")).toList();
            granted.removeAll(pushes);
            for (RegistryScope push : pushes) {
                Set<String> rest = new HashSet<>(push.actions());
                rest.remove("push");
                if (!rest.isEmpty()) {
                    granted.add(new RegistryScope(push.type(), push.name(), rest));
                }
                refused.add(push + " (" + overQuota.get() + ")");
            }
        }
        String subject = caller == null ? "anonymous" : caller.getPrincipal().getName();
        AuditEntry entry = refused.isEmpty()
                ? AuditEntry.success("registry.token", tenant.orElse(null), "registry/" + config.registry().service())
                : AuditEntry.denied("registry.token", tenant.orElse(null), "registry/" + config.registry().service());
        audit.recordAll(List.of(entry.reason("granted " + (granted.isEmpty() ? "no access" : granted)
                + (refused.isEmpty() ? "" : "; refused " + refused))), Provenances.of(caller, http));
        return new Answer(tokens.mint(subject, granted), granted, refused, overQuota);
    }

    /** Why a push into the tenant's namespace is refused now, if its stored images fill its quota. */
    private Optional<String> quotaRefusal(String tenant, List<RegistryScope> granted) {
        boolean pushing = granted.stream().anyMatch(grant -> grant.actions().contains("push") && grant.name().startsWith(tenant + "/"));
        if (!pushing) {
            return Optional.empty();
        }
        List<?> stored = em.createNativeQuery("SELECT registry_bytes FROM tenant_quotas WHERE tenant = :tenant")
                .setParameter("tenant", tenant).getResultList();
        long quota = stored.isEmpty() ? TenantQuota.DEFAULT_REGISTRY_BYTES : ((Number) stored.getFirst()).longValue();
        long used = usage.bytes(tenant);
        return used < quota ? Optional.empty() : Optional.of("tenant " + tenant + " stores " + used + " bytes in the registry, its quota is "
                + quota + " bytes: delete images or ask a platform admin for a larger registryBytes quota");
    }

    private SecurityIdentity verify(String authorization) {
        String bearer = bearerOf(authorization);
        try {
            return identities.authenticate(new AccessTokenCredential(bearer)).await().indefinitely();
        } catch (SecurityException e) {
            throw unauthenticated("the password is not a valid Berth token (" + e.getClass().getSimpleName()
                    + "): log in with a token from your identity provider or ./berth token as the password");
        }
    }

    /** Registry clients send the login as Basic credentials; a bearer header is taken as well. */
    private static String bearerOf(String authorization) {
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).strip();
        }
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw unauthenticated("the Basic credentials are not base64");
            }
            int colon = decoded.indexOf(':');
            if (colon >= 0 && colon < decoded.length() - 1) {
                return decoded.substring(colon + 1);
            }
        }
        throw unauthenticated("log in with any user name and a Berth token as the password");
    }

    private static ProblemException unauthenticated(String detail) {
        return new ProblemException(ProblemType.UNAUTHENTICATED, detail);
    }
}
