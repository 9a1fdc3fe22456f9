package dev.berth.api.auth;

import dev.berth.api.config.BerthConfig;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Signs the bearer tokens the registry accepts (Docker registry token format: RS256, the
 * certificate in {@code x5c}, the grants in {@code access}). Used by the token service for
 * clients, and by the platform itself for the pulls it makes on a job's behalf.
 */
@ApplicationScoped
public class RegistryTokens {

    @Inject
    BerthConfig config;

    private volatile RegistryTokenKey key;

    public record Issued(String token, Instant issuedAt, long expiresInSeconds) {
    }

    public Issued mint(String subject, Collection<RegistryScope> grants) {
        Instant now = Instant.now();
        long lifetime = config.registry().tokenLifetime().toSeconds();
        List<Map<String, Object>> access = new ArrayList<>();
        for (RegistryScope grant : grants) {
            access.add(Map.of("type", grant.type(), "name", grant.name(), "actions", List.copyOf(new TreeSet<>(grant.actions()))));
        }
        String token = Jwt.issuer(config.registry().tokenIssuer())
                .subject(subject)
                .audience(config.registry().service())
                .issuedAt(now)
                .expiresAt(now.plusSeconds(lifetime))
                .claim("nbf", now.minusSeconds(10).getEpochSecond())
                .claim("jti", UUID.randomUUID().toString())
                .claim("access", access)
                .jws()
                .chain(key().certificate())
                .sign(key().privateKey());
        return new Issued(token, now, lifetime);
    }

    /** A token for one repository, for the platform's own pulls (admission lookups, engine fetches). */
    public String platformPull(String repository) {
        return mint("berth-platform", List.of(RegistryScope.repository(repository, "pull"))).token();
    }

    private RegistryTokenKey key() {
        RegistryTokenKey loaded = key;
        if (loaded == null) {
            try {
                loaded = RegistryTokenKey.loadOrCreate(config.registry().tokenKeyDir().orElse(config.dataDir().resolve("keys")),
                        config.registry().tokenIssuer());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            key = loaded;
        }
        return loaded;
    }
}
