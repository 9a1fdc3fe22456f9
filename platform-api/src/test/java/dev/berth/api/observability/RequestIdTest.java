package dev.berth.api.observability;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.berth.api.EmbeddedPlatformResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class RequestIdTest {

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;

    @Test
    void aSaneRequestIdIsKeptAndOtherwiseOneIsMadeUp() {
        String token = EmbeddedPlatformResource.token(dataDir, "u", List.of("ids"), "tenant-member");
        given().auth().oauth2(token).header(RequestIds.HEADER, "trace-42").get("/api/v1/quota")
                .then().statusCode(200).header(RequestIds.HEADER, equalTo("trace-42"));
        String made = given().auth().oauth2(token).header(RequestIds.HEADER, "no spaces allowed\u0007").get("/api/v1/jobs/" + UUID.randomUUID())
                .then().statusCode(404).extract().header(RequestIds.HEADER);
        assertThat(UUID.fromString(made)).isNotNull();
    }
}
