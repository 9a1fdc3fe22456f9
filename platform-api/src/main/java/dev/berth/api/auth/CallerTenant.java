package dev.berth.api.auth;

import dev.berth.api.refusals.Refusals;
import io.quarkus.oidc.runtime.OidcJwtCallerPrincipal;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The tenant a request acts for: the single value of the token's {@code organization} claim.
 * Keycloak writes the claim as a list of aliases or as an object keyed by alias; both are read.
 */
@RequestScoped
public class CallerTenant {

    public static final String CLAIM = "organization";

    @Inject
    JsonWebToken token;
    @Inject
    SecurityIdentity identity;
    @Inject
    Refusals refusals;

    /** The tenant of a tenant route; a token with no or several organizations is refused (403). */
    public String id() {
        List<String> organizations = organizations();
        if (organizations.size() != 1) {
            String detail = "tenant routes need a token with exactly one organization, this one has " + organizations.size();
            refusals.forbidden(detail);
            throw new ForbiddenException(detail);
        }
        return organizations.getFirst();
    }

    /** The caller's tenant when the token names exactly one, refusing nothing otherwise (e.g. to say who was refused). */
    public Optional<String> tenant() {
        List<String> organizations = organizations();
        return organizations.size() == 1 ? Optional.of(organizations.getFirst()) : Optional.empty();
    }

    public String subject() {
        return token.getSubject();
    }

    private List<String> organizations() {
        return organizationsOf(identity.getPrincipal() instanceof JsonWebToken verified ? verified : token);
    }

    /** The organizations a token names, however Keycloak wrote the claim. */
    public static List<String> organizationsOf(JsonWebToken token) {
        // The verified token's own claims where there are: JsonWebToken.getClaim throws and catches an
        // exception for every claim name the JWT specification does not define, on every request.
        Object claim = token instanceof OidcJwtCallerPrincipal verified ? verified.getClaims().getClaimValue(CLAIM) : token.getClaim(CLAIM);
        List<String> values = new ArrayList<>();
        if (claim instanceof JsonArray array) {
            for (JsonValue value : array) {
                if (value instanceof JsonString string) {
                    values.add(string.getString());
                }
            }
        } else if (claim instanceof JsonObject object) {
            values.addAll(object.keySet());
        } else if (claim instanceof Map<?, ?> object) {
            object.keySet().forEach(alias -> values.add(String.valueOf(alias)));
        } else if (claim instanceof JsonString string) {
            values.add(string.getString());
        } else if (claim instanceof String string) {
            values.add(string);
        } else if (claim instanceof Iterable<?> iterable) {
            iterable.forEach(value -> values.add(String.valueOf(value)));
        }
        return values;
    }
}
