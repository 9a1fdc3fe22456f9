package dev.berth.api.auth;

import io.smallrye.jwt.build.Jwt;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Signs bearer tokens for the embedded issuer, shaped like Keycloak's. */
public final class TokenMinter {

    /** The embedded issuer's name, which the platform then requires in every token. */
    public static final String ISSUER = "berth-embedded";
    /** The audience the platform requires in every token (Keycloak adds it with an audience mapper). */
    public static final String AUDIENCE = "berth-api";

    private final LocalSigningKey key;

    public TokenMinter(LocalSigningKey key) {
        this.key = key;
    }

    /**
     * @param organizations the {@code organization} claim, as Keycloak Organizations writes it;
     *                      a tenant route needs exactly one
     */
    public String mint(String user, List<String> organizations, Set<String> roles, Duration lifetime) {
        return Jwt.issuer(ISSUER)
                .subject(user)
                .audience(AUDIENCE)
                .claim("preferred_username", user)
                .claim("organization", organizations)
                .claim("realm_access", Map.of("roles", List.copyOf(roles)))
                .expiresIn(lifetime)
                .jws()
                .sign(key.privateKey());
    }
}
