package dev.berth.api.secrets;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import dev.berth.api.EmbeddedPlatformResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Secrets over the API: values go in and never come out, each PUT is a new version, a tenant
 * sees only its own, the database holds ciphertext under a key file kept outside it, and the
 * audit log names secrets by name and version only.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class SecretApiTest {

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;

    @Inject
    EntityManager em;

    private String token(String tenant) {
        return EmbeddedPlatformResource.token(dataDir, "user-of-" + tenant, List.of(tenant), "tenant-member");
    }

    @Test
    void valuesGoInVersionedAndNeverComeOut() {
        String value = "v-" + UUID.randomUUID();
        String acme = token("sec-acme");
        String created = given().auth().oauth2(acme).contentType(ContentType.JSON).body(Map.of("value", value))
                .put("/api/v1/secrets/db-password").then().statusCode(201).body("version", equalTo(1)).extract().asString();
        String updated = given().auth().oauth2(acme).contentType(ContentType.JSON)
                .body(Map.of("base64", Base64.getEncoder().encodeToString((value + "-2").getBytes(StandardCharsets.UTF_8))))
                .put("/api/v1/secrets/db-password").then().statusCode(200).body("version", equalTo(2)).extract().asString();
        String listed = given().auth().oauth2(acme).get("/api/v1/secrets").then().statusCode(200)
                .body("[0].name", equalTo("db-password")).body("[0].version", equalTo(2)).extract().asString();
        String one = given().auth().oauth2(acme).get("/api/v1/secrets/db-password").then().statusCode(200).extract().asString();

        assertThat(List.of(created, updated, listed, one)).noneMatch(answer -> answer.contains(value));
        assertThat(storedCiphertext("sec-acme", "db-password")).doesNotContain(value);
        assertThat(dataDir.resolve("keys/secrets.key")).isRegularFile();
        assertThat(auditOf("secret/db-password")).contains("version 1", "version 2").noneMatch(reason -> reason.contains(value));
    }

    @Test
    void anotherTenantsSecretIsMissingToIt() {
        given().auth().oauth2(token("sec-owner")).contentType(ContentType.JSON).body(Map.of("value", "owner-only"))
                .put("/api/v1/secrets/shared-name").then().statusCode(201);
        String other = token("sec-other");

        given().auth().oauth2(other).get("/api/v1/secrets/shared-name").then().statusCode(404);
        given().auth().oauth2(other).delete("/api/v1/secrets/shared-name").then().statusCode(404);
        given().auth().oauth2(other).contentType(ContentType.JSON)
                .body(Map.of("image", "busybox", "command", List.of("true"), "secrets", List.of(Map.of("name", "shared-name"))))
                .post("/api/v1/jobs").then().statusCode(422).body("violations[0].rule", equalTo("secrets.unknown"));
        given().auth().oauth2(token("sec-owner")).get("/api/v1/secrets/shared-name").then().statusCode(200);
    }

    @Test
    void badNamesAndValuesAreRefusedWithoutEchoingThem() {
        String acme = token("sec-bad");
        given().auth().oauth2(acme).contentType(ContentType.JSON).body(Map.of("value", "x"))
                .put("/api/v1/secrets/Not_Lower").then().statusCode(422).body("violations[0].rule", equalTo("secrets.name"));
        String tooLong = "y".repeat(70_000);
        String answer = given().auth().oauth2(acme).contentType(ContentType.JSON).body(Map.of("value", tooLong))
                .put("/api/v1/secrets/big").then().statusCode(422).body("violations[0].rule", equalTo("secrets.size")).extract().asString();
        assertThat(answer).doesNotContain("yyyy");
        given().auth().oauth2(acme).contentType(ContentType.JSON).body(Map.of("value", "a", "base64", "YQ=="))
                .put("/api/v1/secrets/both").then().statusCode(400).body("type", endsWith("/malformed-request"));
        given().auth().oauth2(acme).contentType(ContentType.JSON).body("{\"value\":\"a\",\"other\":1}")
                .put("/api/v1/secrets/unknown-field").then().statusCode(400);
        given().auth().oauth2(acme).get("/api/v1/secrets/big").then().statusCode(404);
    }

    @Test
    void deletingIsAuditedAndTheSecretIsGone() throws Exception {
        String acme = token("sec-del");
        given().auth().oauth2(acme).contentType(ContentType.JSON).body(Map.of("value", "bye")).put("/api/v1/secrets/temp").then().statusCode(201);
        given().auth().oauth2(acme).delete("/api/v1/secrets/temp").then().statusCode(204);

        given().auth().oauth2(acme).get("/api/v1/secrets/temp").then().statusCode(404);
        assertThat(auditActions("secret/temp")).contains("secret.put", "secret.delete");
        assertThat(Files.readAllBytes(dataDir.resolve("keys/secrets.key"))).hasSize(32);
    }

    @Transactional
    String storedCiphertext(String tenant, String name) {
        byte[] ciphertext = (byte[]) em.createNativeQuery("SELECT ciphertext FROM tenant_secrets WHERE tenant = :t AND name = :n")
                .setParameter("t", tenant).setParameter("n", name).getSingleResult();
        return new String(ciphertext, StandardCharsets.ISO_8859_1);
    }

    @Transactional
    @SuppressWarnings("unchecked")
    List<String> auditOf(String target) {
        return em.createNativeQuery("SELECT coalesce(reason, '') FROM audit_events WHERE target = :target ORDER BY seq")
                .setParameter("target", target).getResultList();
    }

    @Transactional
    @SuppressWarnings("unchecked")
    List<String> auditActions(String target) {
        return em.createNativeQuery("SELECT action FROM audit_events WHERE target = :target ORDER BY seq")
                .setParameter("target", target).getResultList();
    }
}
