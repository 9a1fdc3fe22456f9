package dev.berth.api.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.auth.LocalSigningKey;
import dev.berth.api.auth.TokenMinter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The verified-token cache through the front door: a repeated API token is served from the cache
 * with its tenant and roles, and being in the cache never makes a bad token good (expired while
 * cached, any byte changed, another issuer or audience). Each test first shows that the token it
 * starts from was really served from the cache, so the refusals are refusals of a cached token.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class VerifiedTokenCacheTest {

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;
    @Inject
    MeterRegistry registry;

    private double hits() {
        return registry.counter("berth.auth.token.cache", "result", "hit").count();
    }

    private double misses() {
        return registry.counter("berth.auth.token.cache", "result", "miss").count();
    }

    private static JwtClaimsBuilder claims(String tenant, String role, Duration lifetime) {
        return Jwt.issuer(TokenMinter.ISSUER).audience(TokenMinter.AUDIENCE).subject("cache-user-" + tenant)
                .claim("organization", List.of(tenant)).claim("realm_access", Map.of("roles", List.of(role)))
                .issuedAt(Instant.now()).expiresIn(lifetime);
    }

    private String sign(JwtClaimsBuilder claims) {
        try {
            return claims.jws().sign(LocalSigningKey.loadOrCreate(dataDir.resolve("keys")).privateKey());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Response quota(String token) {
        return given().auth().oauth2(token).get("/api/v1/quota");
    }

    /** Calls the quota route twice and checks that the second call was answered from the cache. */
    private void cache(String token, String tenant) {
        assertThat(quota(token).then().statusCode(200).extract().<String>path("tenant")).isEqualTo(tenant);
        double before = hits();
        assertThat(quota(token).then().statusCode(200).extract().<String>path("tenant")).isEqualTo(tenant);
        assertThat(hits()).as("the second call with the same token was served from the cache").isEqualTo(before + 1);
    }

    @Test
    void aCachedTokenKeepsItsTenantAndRoles() {
        String member = sign(claims("cache-keeps", "tenant-member", Duration.ofMinutes(10)));
        cache(member, "cache-keeps");

        double before = hits();
        given().auth().oauth2(member).get("/api/v1/admin/tenants").then().statusCode(403);
        given().auth().oauth2(member).get("/api/v1/audit").then().statusCode(403);
        assertThat(hits()).as("the refusals were decided on the cached identity").isEqualTo(before + 2);

        String admin = sign(claims("cache-keeps", "platform-admin", Duration.ofMinutes(10)));
        given().auth().oauth2(admin).get("/api/v1/admin/tenants").then().statusCode(200);
        double beforeAdmin = hits();
        given().auth().oauth2(admin).get("/api/v1/admin/tenants").then().statusCode(200);
        given().auth().oauth2(admin).get("/api/v1/quota").then().statusCode(403);
        assertThat(hits()).isEqualTo(beforeAdmin + 2);
    }

    @Test
    void aCachedTokenIsRefusedOnceItExpires() throws InterruptedException {
        String token = sign(claims("cache-expires", "tenant-member", Duration.ofSeconds(3)));
        long exp = Long.parseLong(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8)
                .replaceAll(".*\"exp\":(\\d+).*", "$1"));
        cache(token, "cache-expires");

        Thread.sleep(Math.max(0, (exp + 1) * 1000 - System.currentTimeMillis()));
        double before = hits();
        quota(token).then().statusCode(401);
        assertThat(hits()).as("an expired token is never served from the cache").isEqualTo(before);
    }

    @Test
    void aTokenWithAnyByteChangedIsRefusedWhileTheOriginalIsCached() {
        String token = sign(claims("cache-tamper", "tenant-member", Duration.ofMinutes(10)));
        cache(token, "cache-tamper");
        String[] parts = token.split("\\.");

        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String otherTenant = payload.replace("cache-tamper", "cache-victim");
        assertThat(otherTenant).isNotEqualTo(payload);
        String claimsChanged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(otherTenant.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        char last = parts[2].charAt(parts[2].length() / 2);
        String signatureChanged = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() / 2)
                + (last == 'A' ? 'B' : 'A') + parts[2].substring(parts[2].length() / 2 + 1);

        double missesBefore = misses();
        for (int i = 0; i < 2; i++) {
            quota(claimsChanged).then().statusCode(401);
            quota(signatureChanged).then().statusCode(401);
        }
        assertThat(misses()).as("each went to full verification, and no refusal was kept").isEqualTo(missesBefore + 4);
        quota(token).then().statusCode(200);
    }

    @Test
    void anotherIssuerOrAudienceIsRefusedWhileTheSameClaimsAreCached() {
        String token = sign(claims("cache-issuer", "tenant-member", Duration.ofMinutes(10)));
        cache(token, "cache-issuer");

        String otherIssuer = sign(claims("cache-issuer", "tenant-member", Duration.ofMinutes(10))
                .issuer("https://keycloak.example/realms/berth"));
        String otherAudience = sign(claims("cache-issuer", "tenant-member", Duration.ofMinutes(10)).audience("another-api"));
        double hitsBefore = hits();
        for (int i = 0; i < 2; i++) {
            quota(otherIssuer).then().statusCode(401);
            quota(otherAudience).then().statusCode(401);
        }
        assertThat(hits()).isEqualTo(hitsBefore);
    }
}
