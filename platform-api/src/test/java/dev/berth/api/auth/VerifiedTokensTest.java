package dev.berth.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/** The bounds of {@link VerifiedTokens}, on a clock the test moves: expiry, maximum age, token age, size. */
class VerifiedTokensTest {

    private static final Instant START = Instant.parse("2026-12-02T05:00:00Z");

    private final AtomicLong elapsedNanos = new AtomicLong();

    private Instant now() {
        return START.plusNanos(elapsedNanos.get());
    }

    private void advance(Duration duration) {
        elapsedNanos.addAndGet(duration.toNanos());
    }

    private VerifiedTokens cache(int maxEntries, Duration maxAge, Optional<Duration> tokenAge) {
        return new VerifiedTokens(maxEntries, maxAge, tokenAge, this::now, elapsedNanos::get);
    }

    /** A token principal as OIDC builds it: {@code exp} and {@code iat} as numbers of seconds. */
    private record TokenClaims(Map<String, Object> claims) implements JsonWebToken {
        @Override
        public String getName() {
            return (String) claims.get("sub");
        }

        @Override
        public Set<String> getClaimNames() {
            return claims.keySet();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getClaim(String name) {
            return (T) claims.get(name);
        }
    }

    private static SecurityIdentity identity(String user, Instant issuedAt, Instant expires, String... roles) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("sub", user);
        if (issuedAt != null) {
            claims.put("iat", issuedAt.getEpochSecond());
        }
        if (expires != null) {
            claims.put("exp", expires.getEpochSecond());
        }
        return QuarkusSecurityIdentity.builder().setPrincipal(new TokenClaims(claims)).addRoles(Set.of(roles)).build();
    }

    @Test
    void aVerifiedTokenIsFoundAgainAsTheSameIdentity() {
        VerifiedTokens tokens = cache(10, Duration.ofMinutes(5), Optional.empty());
        SecurityIdentity alice = identity("alice", START, START.plusSeconds(60), "tenant-member");
        tokens.remember("token-of-alice", alice);

        assertThat(tokens.lookup("token-of-alice")).containsSame(alice);
        assertThat(tokens.lookup("token-of-alice").orElseThrow().getRoles()).containsExactly("tenant-member");
        assertThat(tokens.lookup("token-of-bob")).isEmpty();
    }

    @Test
    void aTokenIsNeverFoundAtOrAfterItsExpiry() {
        VerifiedTokens tokens = cache(10, Duration.ofMinutes(5), Optional.empty());
        tokens.remember("t", identity("alice", START, START.plusSeconds(30)));

        advance(Duration.ofSeconds(30).minusMillis(1));
        assertThat(tokens.lookup("t")).isPresent();
        advance(Duration.ofMillis(1));
        assertThat(tokens.lookup("t")).as("at exp").isEmpty();
        advance(Duration.ofHours(1));
        assertThat(tokens.lookup("t")).isEmpty();
    }

    @Test
    void aLongLivedTokenIsVerifiedAgainAfterTheMaximumAge() {
        VerifiedTokens tokens = cache(10, Duration.ofMinutes(5), Optional.empty());
        tokens.remember("t", identity("alice", START, START.plus(Duration.ofHours(8))));

        advance(Duration.ofMinutes(5).minusSeconds(1));
        assertThat(tokens.lookup("t")).isPresent();
        advance(Duration.ofSeconds(1));
        assertThat(tokens.lookup("t")).isEmpty();
    }

    @Test
    void theAcceptedTokenAgeBoundsTheStayToo() {
        VerifiedTokens tokens = cache(10, Duration.ofMinutes(5), Optional.of(Duration.ofMinutes(2)));
        tokens.remember("old", identity("alice", START.minusSeconds(90), START.plusSeconds(600)));
        tokens.remember("no-iat", identity("alice", null, START.plusSeconds(600)));

        assertThat(tokens.lookup("no-iat")).as("no iat to bound its age by").isEmpty();
        advance(Duration.ofSeconds(29));
        assertThat(tokens.lookup("old")).isPresent();
        advance(Duration.ofSeconds(1));
        assertThat(tokens.lookup("old")).as("iat + 2 min").isEmpty();
    }

    @Test
    void tokensWithoutAnExpiryOrAlreadyExpiredAreNotKept() {
        VerifiedTokens tokens = cache(10, Duration.ofMinutes(5), Optional.empty());
        tokens.remember("forever", identity("alice", START, null));
        tokens.remember("expired", identity("alice", START.minusSeconds(60), START));

        assertThat(tokens.lookup("forever")).isEmpty();
        assertThat(tokens.lookup("expired")).isEmpty();
        assertThat(tokens.size()).isZero();
    }

    @Test
    void oneChangedByteIsAnotherToken() {
        VerifiedTokens tokens = cache(10, Duration.ofMinutes(5), Optional.empty());
        tokens.remember("header.payload.signature", identity("alice", START, START.plusSeconds(60)));

        assertThat(tokens.lookup("header.payload.signaturf")).isEmpty();
        assertThat(tokens.lookup("header.paylOad.signature")).isEmpty();
        assertThat(tokens.lookup("header.payload.signature ")).isEmpty();
    }

    @Test
    void theCacheHoldsNoMoreThanItsBound() {
        VerifiedTokens tokens = cache(16, Duration.ofMinutes(5), Optional.empty());
        for (int i = 0; i < 1000; i++) {
            tokens.remember("token-" + i, identity("user-" + i, START, START.plusSeconds(60)));
        }
        assertThat(tokens.size()).isLessThanOrEqualTo(16);
    }
}
