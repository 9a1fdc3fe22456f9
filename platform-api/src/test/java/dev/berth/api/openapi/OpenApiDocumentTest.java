package dev.berth.api.openapi;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.lifecycle.JobReason;
import dev.berth.api.problems.ProblemType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The published contract at /q/openapi describes every API route the code declares, and carries
 * every problem type and job reason: a route, a problem type or a reason added without reaching the
 * document fails here. Routes are read from the compiled resources themselves (JAX-RS annotations),
 * not from a list kept by hand.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class OpenApiDocumentTest {

    private static final List<Class<? extends Annotation>> METHODS = List.of(GET.class, POST.class, PUT.class, DELETE.class, PATCH.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonNode document;

    /** Read per test: the server and REST Assured's port exist only once the test instance runs. */
    @BeforeEach
    void fetch() throws Exception {
        String body = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().asString();
        document = MAPPER.readTree(body);
    }

    @Test
    void everyApiRouteOfTheCodeIsInTheDocumentWithItsMethod() {
        Map<String, List<String>> declared = declaredRoutes();
        assertThat(declared).as("the scan found the API's resources").containsKey("/api/v1/jobs");
        List<String> missing = new ArrayList<>();
        declared.forEach((path, methods) -> methods.forEach(method -> {
            if (!document.path("paths").path(path).has(method)) {
                missing.add(method.toUpperCase() + " " + path);
            }
        }));
        assertThat(missing).as("routes missing from /q/openapi; documented: %s", fieldNames(document.path("paths"))).isEmpty();
    }

    @Test
    void theDocumentHasNoRouteTheCodeLacksAndNoConsolePage() {
        Map<String, List<String>> declared = declaredRoutes();
        assertThat(fieldNames(document.path("paths"))).allSatisfy(path -> assertThat(declared).containsKey(path));
        assertThat(fieldNames(document.path("paths"))).noneMatch(path -> path.startsWith("/console"));
        assertThat(fieldNames(document.path("paths"))).noneMatch(path -> path.startsWith("/docker"));
    }

    @Test
    void everyProblemTypeIsCataloguedWithItsStatusAndTitle() {
        JsonNode types = document.path(CatalogueFilter.PROBLEM_TYPES);
        assertThat(types.size()).isEqualTo(ProblemType.values().length);
        for (ProblemType type : ProblemType.values()) {
            assertThat(StreamSupport.stream(types.spliterator(), false)
                    .filter(entry -> entry.path("type").asText().equals(type.uri())).findFirst())
                    .as(type.uri()).hasValueSatisfying(entry -> {
                        assertThat(entry.path("status").asInt()).isEqualTo(type.status());
                        assertThat(entry.path("title").asText()).isEqualTo(type.title());
                        assertThat(entry.path("meaning").asText()).isNotBlank();
                    });
        }
        assertThat(document.at("/components/schemas/Problem/properties").has("violations")).isTrue();
    }

    @Test
    void everyJobReasonIsCatalogued() {
        List<String> reasons = new ArrayList<>();
        document.path(CatalogueFilter.JOB_REASONS).forEach(entry -> reasons.add(entry.path("reason").asText()));
        assertThat(reasons).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(JobReason.values()).map(Enum::name).toList());
    }

    @Test
    void routesDeclareTheirParametersAndBearerSecurity() {
        JsonNode logs = document.path("paths").path("/api/v1/jobs/{id}/logs").path("get");
        List<String> parameters = new ArrayList<>();
        logs.path("parameters").forEach(parameter -> parameters.add(parameter.path("name").asText()));
        assertThat(parameters).contains("id", "stream", "attempt", "offset", "follow");
        assertThat(document.path("paths").path("/api/v1/jobs/{id}/events").path("get").path("responses").path("200").path("content")
                .has("text/event-stream")).as("the job's events are a server-sent event stream").isTrue();
        assertThat(document.at("/components/securitySchemes").size()).isPositive();
        assertThat(document.path("paths").path("/api/v1/jobs").path("post").path("requestBody").isMissingNode()).isFalse();
    }

    @Test
    void aJobsStoredDocumentsKeepTheirJsonTypesInTheContract() {
        JsonNode job = document.at("/components/schemas/JobView/properties");
        for (Map.Entry<String, String> expected : Map.of("effectiveSecurity", "object", "decisions", "array", "data", "object").entrySet()) {
            String name = expected.getKey();
            JsonNode property = job.path(name);
            String ref = property.path("$ref").asText();
            JsonNode schema = ref.isEmpty() ? property : document.at(ref.substring(1));
            assertThat(property.path("type").asText(schema.path("type").asText())).as("%s in %s", name, property).isEqualTo(expected.getValue());
            assertThat(schema.path("properties").has("text")).as("%s shows no internals of its Java type", name).isFalse();
        }
    }

    @Test
    void theUploadQuotaIsInTheContractBesideTheOtherStorageQuotas() {
        assertThat(document.path("paths").path("/api/v1/inputs/{id}").has("delete")).isTrue();
        assertThat(document.at("/components/schemas/TenantQuota/properties").has("uploadBytes")).isTrue();
        assertThat(document.at("/components/schemas/InUse/properties").has("uploadBytes")).isTrue();
    }

    /** Path -> HTTP methods of every JAX-RS resource method outside the console and the Docker Engine API (Docker's contract, not Berth's). */
    private static Map<String, List<String>> declaredRoutes() {
        Map<String, List<String>> routes = new TreeMap<>();
        for (JavaClass type : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.berth.api")) {
            if (!type.isAnnotatedWith(Path.class) || type.getPackageName().startsWith("dev.berth.api.console")
                    || type.getPackageName().startsWith("dev.berth.api.docker")) {
                continue;
            }
            String base = type.getAnnotationOfType(Path.class).value();
            for (JavaMethod method : type.getMethods()) {
                for (Class<? extends Annotation> verb : METHODS) {
                    if (method.isAnnotatedWith(verb)) {
                        String sub = method.isAnnotatedWith(Path.class) ? method.getAnnotationOfType(Path.class).value() : "";
                        routes.computeIfAbsent(join(base, sub), path -> new ArrayList<>()).add(verb.getSimpleName().toLowerCase());
                    }
                }
            }
        }
        return routes;
    }

    /** Joins JAX-RS path segments as the document writes them: one slash between, no regex in templates. */
    private static String join(String base, String sub) {
        String path = ("/" + base + "/" + sub).replaceAll("/+", "/").replaceAll("\\{(\\w+)\\s*:[^}]*}", "{$1}");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static TreeSet<String> fieldNames(JsonNode node) {
        TreeSet<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
