package dev.berth.api.auth;

import io.quarkus.security.ForbiddenException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
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

    public String id() {
        List<String> organizations = organizations();
        if (organizations.size() != 1) {
            throw new ForbiddenException("tenant routes need a token with exactly one organization, this one has "
                    + organizations.size());
        }
        return organizations.getFirst();
    }

    public String subject() {
        return token.getSubject();
    }

    private List<String> organizations() {
        Object claim = token.getClaim(CLAIM);
        List<String> values = new ArrayList<>();
        if (claim instanceof JsonArray array) {
            for (JsonValue value : array) {
                if (value instanceof JsonString string) {
                    values.add(string.getString());
                }
            }
        } else if (claim instanceof JsonObject object) {
            values.addAll(object.keySet());
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
