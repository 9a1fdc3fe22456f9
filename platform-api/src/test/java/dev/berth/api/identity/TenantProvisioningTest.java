package dev.berth.api.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import dev.berth.api.tenants.TenantRegistrations;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Provisioning is all or nothing: the Keycloak Organization and the tenant row with its ID range
 * exist together or not at all, whichever side fails.
 */
@QuarkusTest
@QuarkusTestResource(value = KeycloakPlatformResource.class, restrictToAnnotatedClass = true)
class TenantProvisioningTest {

    private final KeycloakRealmClient realm = new KeycloakRealmClient(KeycloakServer.shared());

    @Inject
    EntityManager em;

    private String platformAdmin() {
        realm.createUser("prov-root", "platform-admin");
        return realm.token("prov-root");
    }

    private ValidatableResponse provision(String admin, Map<String, Object> body) {
        return given().auth().oauth2(admin).contentType(ContentType.JSON).body(body).post("/api/v1/admin/tenants").then();
    }

    @Test
    void aTenantIsCreatedInKeycloakAndInTheDatabaseTogether() {
        String admin = platformAdmin();
        provision(admin, Map.of("id", "prov-initech", "name", "Initech"))
                .statusCode(201).header("Location", endsWith("/api/v1/admin/tenants/prov-initech"))
                .body("organizationId", notNullValue())
                .body("idRange.size", greaterThanOrEqualTo(65536))
                .body("usage.jobs", equalTo(0));
        String organizationId = realm.organization("prov-initech").orElseThrow().get("id").asText();
        assertThat(rows("tenants", "prov-initech")).isOne();
        assertThat(organizationOf("prov-initech")).isEqualTo(organizationId);
        assertThat(given().auth().oauth2(admin).queryParam("tenant", "prov-initech").queryParam("action", "tenant.provision")
                .get("/api/v1/audit").then().statusCode(200).extract().jsonPath().getList("items.reason", String.class))
                .containsExactly("organization " + organizationId);

        provision(admin, Map.of("id", "prov-initech", "name", "Initech again"))
                .statusCode(409).contentType("application/problem+json").body("type", equalTo("https://berth.dev/problems/tenant-exists"));
        assertThat(realm.organization("prov-initech").orElseThrow().get("name").asText()).isEqualTo("Initech");
    }

    @Test
    void whenKeycloakRefusesNoTenantRowIsWritten() {
        String admin = platformAdmin();
        realm.createOrganization("prov-taken");
        provision(admin, Map.of("id", "prov-taken"))
                .statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("https://berth.dev/problems/organization-exists"))
                .body("detail", containsString("delete that organization in Keycloak"));
        assertThat(rows("tenants", "prov-taken")).isZero();
        assertThat(rows("tenant_identities", "prov-taken")).isZero();
        assertThat(rows("audit_events", "prov-taken")).isZero();
    }

    @Test
    void whenTheDatabaseFailsTheOrganizationIsRemovedAgain() {
        String admin = platformAdmin();
        QuarkusMock.installMockForType(new FailingRegistrations(), TenantRegistrations.class);
        provision(admin, Map.of("id", "prov-doomed"))
                .statusCode(503).contentType("application/problem+json")
                .body("type", equalTo("https://berth.dev/problems/provisioning-failed"))
                .body("detail", containsString("nothing is left behind"));
        assertThat(realm.organization("prov-doomed")).isEmpty();
        assertThat(rows("tenants", "prov-doomed")).isZero();
    }

    @Test
    void malformedTenantIdsTouchNeitherSide() {
        String admin = platformAdmin();
        for (String id : new String[] {"A", "Upper", "-lead", "trail-", "has space", "x".repeat(64), "../up"}) {
            provision(admin, Map.of("id", id)).statusCode(422).body("violations.rule", hasItem("tenant.id"));
            assertThat(realm.organization(id)).as(id).isEmpty();
            assertThat(rows("tenants", id)).as(id).isZero();
        }
        given().auth().oauth2(admin).contentType(ContentType.JSON).body("{").post("/api/v1/admin/tenants").then().statusCode(400);
    }

    private long rows(String table, String tenant) {
        String column = table.equals("tenants") ? "id" : "tenant";
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT count(*) FROM " + table + " WHERE " + column + " = :id").setParameter("id", tenant).getSingleResult()).longValue());
    }

    private String organizationOf(String tenant) {
        return QuarkusTransaction.requiringNew().call(() -> (String) em.createNativeQuery(
                "SELECT organization_id FROM tenant_identities WHERE tenant = :id").setParameter("id", tenant).getSingleResult());
    }

    /** The database refuses the registration after Keycloak accepted the organization. */
    static class FailingRegistrations extends TenantRegistrations {

        @Override
        public boolean isProvisioned(String tenantId) {
            return false;
        }

        @Override
        public void register(String tenantId, String displayName, String organizationId, String provisionedBy) {
            throw new PersistenceException("simulated: the database is read-only");
        }
    }
}
