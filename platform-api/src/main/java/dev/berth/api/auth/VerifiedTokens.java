package dev.berth.api.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.quarkus.security.identity.SecurityIdentity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.microprofile.jwt.Claims;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Identities of bearer tokens the OIDC provider has verified, by the SHA-256 digest of the raw
 * token, so that a client repeating a token does not pay for its RSA signature every time. A
 * token is only found again while it is valid: never at or after its {@code exp}, never past
 * {@code iat} plus the accepted token age when one is configured, and never longer than the cache's
 * own maximum age after it was verified. The digest covers every byte of the token, so a token
 * with any byte changed (claims or signature) is a different key and goes through full
 * verification. Failed verifications are never kept.
 */
public final class VerifiedTokens {

    private record Verified(SecurityIdentity identity, Instant trustedUntil) {
    }

    private final Cache<String, Verified> cache;
    private final Duration maxAge;
    private final Optional<Duration> tokenAge;
    private final Supplier<Instant> clock;

    /**
     * @param tokenAge the oldest {@code iat} the OIDC provider accepts ({@code quarkus.oidc.token.age}), if set
     * @param ticker   nanosecond time for the cache's own eviction; {@code clock} must move with it
     */
    public VerifiedTokens(int maxEntries, Duration maxAge, Optional<Duration> tokenAge, Supplier<Instant> clock, Ticker ticker) {
        this.maxAge = maxAge;
        this.tokenAge = tokenAge;
        this.clock = clock;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(ticker)
                .expireAfter(Expiry.<String, Verified>creating((key, verified) ->
                        Duration.between(clock.get(), verified.trustedUntil())))
                .build();
    }

    /** The identity a token was verified as, if it was and still is valid now. */
    public Optional<SecurityIdentity> lookup(String token) {
        Verified verified = cache.getIfPresent(digest(token));
        // Checked here as well as by the cache's expiry so that the bound never depends on when
        // the cache gets round to evicting.
        if (verified == null || !clock.get().isBefore(verified.trustedUntil())) {
            return Optional.empty();
        }
        return Optional.of(verified.identity());
    }

    /** Keeps an identity the OIDC provider has just built from {@code token}; one without an expiry is not kept. */
    public void remember(String token, SecurityIdentity identity) {
        if (!(identity.getPrincipal() instanceof JsonWebToken jwt) || !(jwt.getClaim(Claims.exp.name()) instanceof Number exp)) {
            return;
        }
        Instant now = clock.get();
        Instant until = earlier(Instant.ofEpochSecond(exp.longValue()), now.plus(maxAge));
        if (tokenAge.isPresent()) {
            if (!(jwt.getClaim(Claims.iat.name()) instanceof Number issuedAt)) {
                return;
            }
            until = earlier(until, Instant.ofEpochSecond(issuedAt.longValue()).plus(tokenAge.get()));
        }
        if (now.isBefore(until)) {
            cache.put(digest(token), new Verified(identity, until));
        }
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
