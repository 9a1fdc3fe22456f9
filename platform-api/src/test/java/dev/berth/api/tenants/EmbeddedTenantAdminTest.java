package dev.berth.api.tenants;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.berth.api.EmbeddedPlatformResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** On the quick start's embedded issuer tenants live only in Berth: no organization, no members. */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class EmbeddedTenantAdminTest {

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;

    private String platformAdmin() {
        return EmbeddedPlatformResource.token(dataDir, "root", List.of(), "platform-admin");
    }

    @Test
    void tenantsAreProvisionedWithoutAnOrganizationAndListedWithUsage() {
        given().auth().oauth2(platformAdmin()).contentType(ContentType.JSON).body(Map.of("id", "solo", "name", "Solo Ltd"))
                .post("/api/v1/admin/tenants")
                .then().statusCode(201).body("name", equalTo("Solo Ltd")).body("organizationId", nullValue())
                .body("usage.jobs", equalTo(0));

        String member = EmbeddedPlatformResource.token(dataDir, "u", List.of("walk-in"), "tenant-member");
        given().auth().oauth2(member).contentType(ContentType.JSON).body(Map.of("image", "busybox", "command", List.of("true")))
                .post("/api/v1/jobs").then().statusCode(201);

        given().auth().oauth2(platformAdmin()).get("/api/v1/admin/tenants").then().statusCode(200)
                .body("find { it.id == 'solo' }.name", equalTo("Solo Ltd"))
                .body("find { it.id == 'walk-in' }.name", equalTo("walk-in"))
                .body("find { it.id == 'walk-in' }.usage.jobs", equalTo(1));
    }

    @Test
    void membersNeedKeycloakAndSayHowToGetIt() {
        given().auth().oauth2(platformAdmin()).contentType(ContentType.JSON).body(Map.of("id", "solo-members"))
                .post("/api/v1/admin/tenants").then().statusCode(201);
        given().auth().oauth2(platformAdmin()).get("/api/v1/admin/tenants/solo-members/members")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("https://berth.dev/problems/tenant-without-organization"));
        given().auth().oauth2(platformAdmin()).get("/api/v1/admin/tenants/never-provisioned/members")
                .then().statusCode(404).contentType("application/problem+json");
    }
}
