package dev.berth.api.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.JobPolling;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Berth against a real Keycloak: tenants provisioned over the API become Keycloak Organizations,
 * members added over the API get tokens naming the tenant, and a job submitted with such a token
 * runs in the tenant's host ID range.
 */
@QuarkusTest
@QuarkusTestResource(value = KeycloakPlatformResource.class, restrictToAnnotatedClass = true)
class KeycloakEndToEndTest {

    private final KeycloakServer keycloak = KeycloakServer.shared();
    private final KeycloakRealmClient realm = new KeycloakRealmClient(keycloak);

    @TestHTTPResource
    URL platform;

    private String platformAdmin() {
        realm.createUser("e2e-root", "platform-admin");
        return realm.token("e2e-root");
    }

    @Test
    void aMemberAddedThroughBerthRunsAJobWithAKeycloakToken() throws Exception {
        String admin = platformAdmin();
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("id", "e2e-acme", "name", "Acme (end to end)"))
                .post("/api/v1/admin/tenants")
                .then().statusCode(201).body("id", equalTo("e2e-acme")).body("name", equalTo("Acme (end to end)"));
        JsonNode organization = realm.organization("e2e-acme").orElseThrow(() -> new AssertionError("no organization e2e-acme in Keycloak"));
        assertThat(organization.get("name").asText()).isEqualTo("Acme (end to end)");

        realm.createUser("e2e-alice", "tenant-member");
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("username", "e2e-alice"))
                .post("/api/v1/admin/tenants/e2e-acme/members").then().statusCode(204);
        assertThat(realm.memberNames(organization.get("id").asText())).containsExactly("e2e-alice");

        String alice = realm.token("e2e-alice");
        JsonNode claims = KeycloakRealmClient.claims(alice);
        assertThat(claims.get("organization")).hasSize(1);
        assertThat(claims.get("organization").get(0).asText()).isEqualTo("e2e-acme");
        assertThat(claims.get("iss").asText()).isEqualTo(keycloak.realmUrl());

        String id = given().auth().oauth2(alice).contentType(ContentType.JSON)
                .body(Map.of("image", "busybox", "command", List.of("sh", "-c", "id -u; cat /proc/self/uid_map")))
                .post("/api/v1/jobs").then().statusCode(201).body("tenant", equalTo("e2e-acme")).extract().path("id");
        JsonPath job = JobPolling.awaitFinal(alice, id, Duration.ofSeconds(60));
        assertThat(job.getString("state")).as(job.prettify()).isEqualTo("SUCCEEDED");

        JsonPath tenants = given().auth().oauth2(admin).get("/api/v1/admin/tenants").then().statusCode(200).extract().jsonPath();
        Map<String, Object> acme = tenants.getMap("find { it.id == 'e2e-acme' }");
        assertThat(acme).containsEntry("organizationId", organization.get("id").asText());
        assertThat(tenants.getLong("find { it.id == 'e2e-acme' }.usage.jobs")).isEqualTo(1);
        long hostStart = tenants.getLong("find { it.id == 'e2e-acme' }.idRange.hostStart");
        assertThat(job.getLong("effectiveSecurity.uidMappings[1].hostId")).isEqualTo(hostStart + 1);
    }

    @Test
    void aRemovedMembersNextTokenNamesNoTenantAndIsRefused() {
        String admin = platformAdmin();
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("id", "e2e-globex"))
                .post("/api/v1/admin/tenants").then().statusCode(201);
        realm.createUser("e2e-bob", "tenant-member");
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("username", "e2e-bob"))
                .post("/api/v1/admin/tenants/e2e-globex/members").then().statusCode(204);
        given().auth().oauth2(admin).get("/api/v1/admin/tenants/e2e-globex/members")
                .then().statusCode(200).body("username", equalTo(List.of("e2e-bob")));

        given().auth().oauth2(admin).delete("/api/v1/admin/tenants/e2e-globex/members/e2e-bob").then().statusCode(204);

        String bob = realm.token("e2e-bob");
        assertThat(KeycloakRealmClient.claims(bob).has("organization")).isFalse();
        given().auth().oauth2(bob).contentType(ContentType.JSON).body(Map.of("image", "busybox", "command", List.of("true")))
                .post("/api/v1/jobs").then().statusCode(403).contentType("application/problem+json");
        assertThat(realm.memberNames(realm.organization("e2e-globex").orElseThrow().get("id").asText())).isEmpty();
    }

    @Test
    void aUserOfOneTenantIsNotAddedToAnother() {
        String admin = platformAdmin();
        for (String tenant : List.of("e2e-one", "e2e-two")) {
            given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("id", tenant))
                    .post("/api/v1/admin/tenants").then().statusCode(201);
        }
        realm.createUser("e2e-carol", "tenant-member");
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("username", "e2e-carol"))
                .post("/api/v1/admin/tenants/e2e-one/members").then().statusCode(204);
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("username", "e2e-carol"))
                .post("/api/v1/admin/tenants/e2e-two/members")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("https://berth.dev/problems/member-of-another-organization"));
        assertThat(realm.memberNames(realm.organization("e2e-two").orElseThrow().get("id").asText())).isEmpty();
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("username", "nobody-such"))
                .post("/api/v1/admin/tenants/e2e-one/members")
                .then().statusCode(404).body("type", equalTo("https://berth.dev/problems/unknown-user"));
    }

    @Test
    void keycloakTokensForOtherAudiencesOrRealmsAreRejected() {
        realm.createUser("e2e-dave", "tenant-member");
        String otherClient = realm.token("admin-cli", "e2e-dave");
        assertThat(KeycloakRealmClient.claims(otherClient).path("aud").toString()).doesNotContain("berth-api");
        given().auth().oauth2(otherClient).get("/api/v1/jobs/00000000-0000-0000-0000-000000000000").then().statusCode(401);
        given().auth().oauth2(realm.masterAdminToken()).get("/api/v1/admin/tenants").then().statusCode(401);
        given().get("/api/v1/admin/tenants").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void aBrowserLogsInToTheConsoleThroughKeycloak() {
        realm.createUser("e2e-erin", "platform-admin");
        ConsoleLogin browser = new ConsoleLogin();
        // 127.0.0.1: the realm allows the console's loopback redirect on any port (RFC 8252).
        int port = platform.getPort();
        URI console = URI.create("http://127.0.0.1:" + port + "/console/tenants");

        HttpResponse<String> challenge = browser.get(console);
        assertThat(challenge.statusCode()).isEqualTo(302);
        URI loginPage = URI.create(challenge.headers().firstValue("Location").orElseThrow());
        assertThat(loginPage.toString()).startsWith(keycloak.realmUrl() + "/protocol/openid-connect/auth?")
                .contains("client_id=berth-console").contains("code_challenge_method=S256");

        HttpResponse<String> back = browser.submitLogin(loginPage, "e2e-erin", KeycloakRealmClient.password("e2e-erin"));
        assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
        URI callback = URI.create(back.headers().firstValue("Location").orElseThrow());
        assertThat(callback.toString()).startsWith("http://127.0.0.1:" + port + "/console/tenants").contains("code=");

        HttpResponse<String> session = browser.get(callback);
        assertThat(session.statusCode()).as("code exchange: %s", session.body()).isEqualTo(302);
        assertThat(session.headers().firstValue("Location").orElseThrow()).endsWith("/console/tenants");
        HttpResponse<String> page = browser.get(console);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Tenants · Berth console</title>").contains("e2e-erin");
    }
}
