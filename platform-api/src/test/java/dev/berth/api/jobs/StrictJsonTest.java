package dev.berth.api.jobs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import dev.berth.api.EmbeddedPlatformResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.http.Method;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every JSON route reads its body as RFC 8259 says and nothing more: duplicate names, unknown
 * fields, a value of the wrong kind, trailing content, comments and every other relaxation answer
 * 400 {@code malformed-request}, naming the field or position, and change nothing: no tenant, job,
 * idempotency key, image, policy, quota or audit event. Policy still answers 422 for well-formed
 * requests it refuses.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class StrictJsonTest {

    private static final String MALFORMED = "https://berth.dev/problems/malformed-request";
    /** A valid job request without its closing brace, so a case can add members or garbage after it. */
    private static final String JOB = "{\"image\":\"busybox\",\"command\":[\"true\"]";
    private static final String TENANT = "strict-json";
    private static final String MEMBER = "strict-json-member";
    private static final String ADMIN = "strict-json-admin";
    /** The tenant whose stored policy and quota malformed admin documents must leave alone. */
    private static final String TARGET = "strict-json-target";
    private static final String QUOTA = "{\"concurrentJobs\":2,\"cpuMillis\":2000,\"memoryMiB\":512,\"pids\":256,\"logBytes\":1048576,"
            + "\"jobsPerHour\":60";

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;

    @TestHTTPResource("/")
    URI base;

    @Inject
    EntityManager em;

    /** A request body and what the problem's detail must say about it. */
    record Case(String name, byte[] body, List<String> detail) {

        static Case of(String name, String body, String... detail) {
            return new Case(name, body.getBytes(StandardCharsets.UTF_8), List.of(detail));
        }
    }

    private static int column(String body, String token) {
        return body.indexOf(token) + 1;
    }

    static List<Case> jobCases() {
        String hash = JOB + "}#";
        String twoObjects = JOB + "}{\"image\":\"busybox\"}";
        List<Case> cases = new ArrayList<>(List.of(
                // The issue's cases.
                Case.of("numbers for strings", "{\"image\":\"busybox\",\"command\":[1,2]}", "command[0]: expected a string, got a whole number"),
                Case.of("a string for a number", JOB + ",\"timeoutSeconds\":\"10\"}", "timeoutSeconds: expected a whole number, got a string"),
                Case.of("a duplicate key", JOB + ",\"user\":0,\"user\":1000}", "Duplicate field 'user'", "(in user)", "line 1, column"),
                Case.of("an unknown field", JOB + ",\"timeout\":5}",
                        "unknown field timeout; known fields: artifacts, capabilities, command, egress, env, image, inputs, labels, network, "
                                + "resources, retries, secrets, stdin, timeoutSeconds, user, workingDir"),
                Case.of("trailing garbage", hash, "not valid JSON at line 1, column " + column(hash, "#"), "'#'"),
                Case.of("a second object", twoObjects, "a second JSON value follows the object at line 1, column " + (column(twoObjects, "}{") + 1)),
                // RFC 8259 refusals.
                Case.of("a trailing line comment", JOB + "} // run it", "not valid JSON at line 1", "RFC 8259"),
                Case.of("a block comment", "{/* first */\"image\":\"busybox\",\"command\":[\"true\"]}", "not valid JSON at line 1, column 2"),
                Case.of("a YAML comment", JOB + "}\n# done", "not valid JSON at line 2, column 1"),
                Case.of("a trailing comma in an object", JOB + ",}", "not valid JSON at line 1"),
                Case.of("a trailing comma in an array", "{\"image\":\"busybox\",\"command\":[\"true\",]}", "not valid JSON at line 1", "(in command"),
                Case.of("single quotes", "{'image':'busybox','command':['true']}", "not valid JSON at line 1, column 2"),
                Case.of("NaN", JOB + ",\"timeoutSeconds\":NaN}", "not valid JSON", "(in timeoutSeconds)"),
                Case.of("Infinity", JOB + ",\"retries\":-Infinity}", "not valid JSON", "(in retries)"),
                Case.of("leading zeros", JOB + ",\"timeoutSeconds\":010}", "not valid JSON", "(in timeoutSeconds)"),
                Case.of("a leading plus sign", JOB + ",\"retries\":+1}", "not valid JSON", "(in retries)"),
                Case.of("an unquoted key", "{image:\"busybox\",\"command\":[\"true\"]}", "not valid JSON at line 1, column 2"),
                Case.of("a raw control character in a string", "{\"image\":\"busy\u0001box\",\"command\":[\"true\"]}", "not valid JSON at line 1", "(in image)"),
                Case.of("a missing value", "{\"image\":\"busybox\",\"command\":[\"true\",,\"x\"]}", "not valid JSON at line 1", "(in command"),
                Case.of("a lone space", " ", "expected one JSON object, got nothing (the body is empty or only whitespace)"),
                Case.of("an empty body", "", "expected one JSON object, got nothing"),
                Case.of("JSON null", "null", "expected one JSON object, got null"),
                Case.of("a top-level array", "[" + JOB + "}]", "expected one JSON object, got an array"),
                Case.of("a top-level string", "\"busybox\"", "expected one JSON object, got a string"),
                Case.of("a top-level number", "42", "expected one JSON object, got a whole number"),
                Case.of("an unterminated object", JOB, "not valid JSON at line 1"),
                // Coercions of every kind.
                Case.of("a boolean for a number", JOB + ",\"retries\":true}", "retries: expected a whole number, got a boolean"),
                Case.of("a float for an int", JOB + ",\"timeoutSeconds\":10.5}", "timeoutSeconds: expected a whole number, got a number with a fraction"),
                Case.of("a whole float for an int", JOB + ",\"user\":1000.0}", "user: expected a whole number, got a number with a fraction"),
                Case.of("an exponent for an int", JOB + ",\"retries\":1e0}", "retries: expected a whole number, got a number with a fraction"),
                Case.of("a string for a uid", JOB + ",\"user\":\"0\"}", "user: expected a whole number, got a string"),
                Case.of("an empty string for a number", JOB + ",\"retries\":\"\"}", "retries: expected a whole number, got a string"),
                Case.of("a boolean for a string", "{\"image\":true,\"command\":[\"true\"]}", "image: expected a string, got a boolean"),
                Case.of("a float for a string", "{\"image\":\"busybox\",\"command\":[\"sleep\",1.5]}", "command[1]: expected a string, got a number with a fraction"),
                Case.of("an object for a string", "{\"image\":{},\"command\":[\"true\"]}", "image: expected a string, got an object"),
                Case.of("a string for an array", "{\"image\":\"busybox\",\"command\":\"true\"}", "command: expected an array, got a string"),
                Case.of("an array for a string", "{\"image\":[\"busybox\"],\"command\":[\"true\"]}", "image: expected a string, got an array"),
                Case.of("a number for an env value", JOB + ",\"env\":{\"PORT\":8080}}", "env.PORT: expected a string, got a whole number"),
                Case.of("a string for an object", JOB + ",\"resources\":\"\"}", "resources: expected an object, got a string"),
                Case.of("an array for an object", JOB + ",\"resources\":[]}", "resources: expected an object, got an array"),
                Case.of("null in a required array", "{\"image\":\"busybox\",\"command\":[\"sh\",null]}", "command[1]: null is not allowed here"),
                Case.of("null as a label value", JOB + ",\"labels\":{\"team\":null}}", "labels.team: null is not allowed here"),
                Case.of("a number beyond int", JOB + ",\"timeoutSeconds\":99999999999}",
                        "timeoutSeconds: the number is out of range; expected a whole number from -2147483648 to 2147483647"),
                Case.of("an unknown nested field", JOB + ",\"resources\":{\"memory\":64}}",
                        "unknown field resources.memory; known fields of resources: cpuMillis, memoryMiB, pids, scratchMiB"),
                Case.of("a duplicate nested key", JOB + ",\"resources\":{\"pids\":64,\"pids\":4096}}", "Duplicate field 'pids'", "(in resources.pids)"),
                // Job data: the same rules hold inside stdin, inputs, artifacts and secrets.
                Case.of("an unknown stdin field", JOB + ",\"stdin\":{\"txt\":\"x\"}}", "unknown field stdin.txt; known fields of stdin: base64, text"),
                Case.of("a duplicate stdin key", JOB + ",\"stdin\":{\"text\":\"a\",\"text\":\"b\"}}", "Duplicate field 'text'"),
                Case.of("a number for an input file's text", JOB + ",\"inputs\":{\"path\":\"/tmp/in\",\"files\":[{\"name\":\"a\",\"text\":1}]}}",
                        "inputs.files[0].text: expected a string, got a whole number"),
                Case.of("a string for the artifact paths", JOB + ",\"artifacts\":{\"paths\":\"/tmp/out\"}}", "artifacts.paths: expected an array, got a string"),
                Case.of("null in the secrets", JOB + ",\"secrets\":[null]}", "secrets[0]: null is not allowed here"),
                Case.of("a string for a nested number", JOB + ",\"resources\":{\"memoryMiB\":\"256\"}}", "resources.memoryMiB: expected a whole number, got a string")));
        cases.add(Case.of("an unquoted secret", JOB + ",\"env\":{\"TOKEN\":hunter2}}", "(in env.TOKEN)", "Unrecognized token 'hu...'"));
        cases.add(Case.of("a huge unknown name", JOB + ",\"" + "x".repeat(10_000) + "\":1}", "unknown field " + "x".repeat(64) + "…; known fields"));
        cases.add(new Case("invalid UTF-8", new byte[] {'{', '"', 'i', (byte) 0xff, '"', ':', '1', '}'}, List.of("not valid JSON at line 1")));
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> malformedJobRequestsAreRefusedAndCreateNothing() {
        return Stream.of("/api/v1/jobs", "/api/v1/jobs/dry-run").flatMap(path -> jobCases().stream()
                .map(c -> DynamicTest.dynamicTest("POST " + path + ": " + c.name(), () -> refused(member(), Method.POST, path, c))));
    }

    @TestFactory
    Stream<DynamicTest> malformedAdminDocumentsAreRefusedAndChangeNothing() {
        putTarget("quota", QUOTA + "}").statusCode(200);
        putTarget("policy", "{\"allowedImages\":[\"busybox\"]}").statusCode(200);
        List<DynamicTest> tests = new ArrayList<>();
        add(tests, Method.PUT, "/api/v1/admin/tenants/" + TARGET + "/quota", List.of(
                Case.of("a string for a number", QUOTA.replace("\"concurrentJobs\":2", "\"concurrentJobs\":\"2\"") + "}",
                        "concurrentJobs: expected a whole number, got a string"),
                Case.of("a float for a long", QUOTA.replace("1048576", "1048576.5") + "}", "logBytes: expected a whole number, got a number with a fraction"),
                Case.of("an unknown field", QUOTA + ",\"jobsPerDay\":10}",
                        "unknown field jobsPerDay; known fields: artifactBytes, concurrentJobs, cpuMillis, jobsPerHour, logBytes, memoryMiB, pids, "
                                + "registryBytes, uploadBytes"),
                Case.of("a duplicate key", QUOTA + ",\"jobsPerHour\":1000000}", "Duplicate field 'jobsPerHour'", "(in jobsPerHour)"),
                Case.of("a number beyond long", QUOTA.replace("1048576", "99999999999999999999") + "}",
                        "logBytes: the number is out of range; expected a whole number from -9223372036854775808 to 9223372036854775807"),
                Case.of("trailing garbage", QUOTA + "}]", "not valid JSON at line 1")));
        add(tests, Method.PUT, "/api/v1/admin/tenants/" + TARGET + "/policy", List.of(
                Case.of("a string for an array", "{\"allowedImages\":\"*\"}", "allowedImages: expected an array, got a string"),
                Case.of("null in an allow-list", "{\"allowedImages\":[\"busybox\",null]}", "allowedImages[1]: null is not allowed here"),
                Case.of("a misspelt field", "{\"maxResource\":{\"memoryMiB\":64}}", "unknown field maxResource; known fields: allowedCapabilities, "
                        + "allowedImages, defaultTimeoutSeconds, deniedEnv, egress, maxResources, maxRetries, maxTimeoutSeconds, networks, tier"),
                Case.of("a string for a nested number", "{\"maxResources\":{\"memoryMiB\":\"64\"}}", "maxResources.memoryMiB: expected a whole number, got a string"),
                Case.of("a duplicate key", "{\"tier\":\"restricted\",\"tier\":\"baseline\"}", "Duplicate field 'tier'"),
                Case.of("a comment", "{\"tier\":\"baseline\" /* for now */}", "not valid JSON at line 1, column 20", "comment")));
        add(tests, Method.POST, "/api/v1/admin/tenants", List.of(
                Case.of("a number for a string", "{\"id\":42}", "id: expected a string, got a whole number"),
                Case.of("an unknown field", "{\"id\":\"strict-new\",\"organization\":\"x\"}", "unknown field organization; known fields: id, name"),
                Case.of("a duplicate key", "{\"id\":\"strict-new\",\"id\":\"strict-other\"}", "Duplicate field 'id'"),
                Case.of("a second object", "{\"id\":\"strict-new\"}{\"id\":\"strict-other\"}", "a second JSON value follows the object at line 1, column 20")));
        add(tests, Method.POST, "/api/v1/admin/tenants/" + TARGET + "/members", List.of(
                Case.of("a number for a string", "{\"username\":7}", "username: expected a string, got a whole number"),
                Case.of("an unknown field", "{\"user\":\"carol\"}", "unknown field user; known fields: username"),
                Case.of("a duplicate key", "{\"username\":\"carol\",\"username\":\"root\"}", "Duplicate field 'username'")));
        add(tests, Method.POST, "/api/v1/admin/images", List.of(
                Case.of("a number for a string", "{\"ref\":5}", "ref: expected a string, got a whole number"),
                Case.of("an unknown field", "{\"ref\":\"busybox\",\"policy\":\"ignored\"}", "unknown field policy; known fields: name, ref, tag"),
                Case.of("a duplicate key", "{\"ref\":\"busybox\",\"ref\":\"registry.example/evil:1\"}", "Duplicate field 'ref'"),
                Case.of("single quotes", "{'ref':'busybox'}", "not valid JSON at line 1, column 2")));
        return tests.stream();
    }

    @Test
    void wellFormedRequestsStillReachPolicy() {
        String member = EmbeddedPlatformResource.token(dataDir, "strict-json-ok", List.of("strict-json-ok"), "tenant-member");
        // Empty object and explicit null are well-formed: absent fields, which policy refuses with its own rules.
        given().auth().oauth2(member).contentType(ContentType.JSON).body("{}").post("/api/v1/jobs")
                .then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("https://berth.dev/problems/policy-violation")).body("violations.rule", hasItem("image.required"));
        given().auth().oauth2(member).contentType(ContentType.JSON).body(JOB + ",\"user\":0}").post("/api/v1/jobs/dry-run")
                .then().statusCode(422).body("violations.rule", hasItem("user.non-root")).body("violations.field", hasItem("user"));
        given().auth().oauth2(member).contentType(ContentType.JSON).body(JOB + ",\"user\":0}").post("/api/v1/jobs")
                .then().statusCode(422).body("violations.rule", hasItem("user.non-root"));
        given().auth().oauth2(member).contentType(ContentType.JSON).body("{\"image\":null,\"command\":[\"true\"]}").post("/api/v1/jobs")
                .then().statusCode(422).body("violations.rule", hasItem("image.required"));
        given().auth().oauth2(admin()).contentType(ContentType.JSON).body("{\"concurrentJobs\":0}").put("/api/v1/admin/tenants/strict-json-ok/quota")
                .then().statusCode(422).body("violations.rule", hasItem("quota.required"));

        // A malformed submission does not use up its Idempotency-Key: the same key then creates the job.
        given().auth().oauth2(member).contentType(ContentType.JSON).header("Idempotency-Key", "strict-json-key")
                .body(JOB + ",\"timeout\":5}").post("/api/v1/jobs").then().statusCode(400);
        given().auth().oauth2(member).contentType(ContentType.JSON).header("Idempotency-Key", "strict-json-key")
                .body(JOB + ",\"timeoutSeconds\":5,\"env\":{\"GREETING\":\"hi\"},\"resources\":{\"memoryMiB\":64}}").post("/api/v1/jobs")
                .then().statusCode(201).header(JobResource.REPLAYED, nullValue()).body("state", equalTo("QUEUED"));
        given().auth().oauth2(member).contentType(ContentType.JSON).body(JOB + "}\n\t ").post("/api/v1/jobs/dry-run")
                .then().statusCode(200).body("timeoutSeconds", equalTo(3600));
    }

    /** A POST without Content-Type is read as the route's JSON, and without a body it is empty, not an absent request. */
    @Test
    void aBodylessPostWithoutContentTypeIsRefused() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/api/v1/jobs", "/api/v1/jobs/dry-run")) {
            Map<String, Object> before = state();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + member())
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
            JsonPath problem = JsonPath.from(response.body());
            assertThat(problem.getString("type")).isEqualTo(MALFORMED);
            assertThat(problem.getString("detail")).contains("expected one JSON object, got nothing");
            assertThat(state()).isEqualTo(before);
        }
    }

    /** The console's policy and sample-job fields go through the same reading as the API. */
    @Test
    void theConsolesJsonFieldsAreJustAsStrict() {
        putTarget("policy", "{\"allowedImages\":[\"busybox\"]}").statusCode(200);
        Map<String, Object> before = state();
        String csrf = "c".repeat(43);
        String page = given().cookie("berth_console_session", admin()).cookie("berth_csrf", csrf).contentType(ContentType.URLENC)
                .formParams(Map.of("_csrf", csrf, "policy", "{\"tier\":\"restricted\",\"tier\":\"baseline\"}", "sample", "{}"))
                .post("/console/tenants/" + TARGET + "/policy").then().statusCode(422).extract().asString();
        assertThat(page).contains("the policy: not valid JSON at line 1", "(in tier)", "Duplicate field");

        String preview = given().cookie("berth_console_session", admin()).cookie("berth_csrf", csrf).contentType(ContentType.URLENC)
                .formParams(Map.of("_csrf", csrf, "policy", "{}", "sample", "{\"image\":\"busybox\",\"command\":[1]}"))
                .post("/console/tenants/" + TARGET + "/policy/preview").then().statusCode(200).extract().asString();
        assertThat(preview).contains("the sample job: command[0]: expected a string, got a whole number");
        assertThat(state()).isEqualTo(before);
    }

    /** The route's own cases, and those that no JSON route may accept whatever its shape. */
    private void add(List<DynamicTest> tests, Method method, String path, List<Case> routeCases) {
        List<Case> cases = new ArrayList<>(routeCases);
        cases.addAll(List.of(
                Case.of("an empty body", "", "expected one JSON object, got nothing"),
                Case.of("a lone space", " ", "expected one JSON object, got nothing"),
                Case.of("JSON null", "null", "expected one JSON object, got null"),
                Case.of("a top-level array", "[]", "expected one JSON object, got an array"),
                Case.of("a trailing comment", "{} // nothing", "not valid JSON at line 1, column 4"),
                Case.of("a second object", "{}{}", "a second JSON value follows the object at line 1, column 3")));
        for (Case c : cases) {
            tests.add(DynamicTest.dynamicTest(method + " " + path + ": " + c.name(), () -> refused(admin(), method, path, c)));
        }
    }

    private void refused(String token, Method method, String path, Case c) {
        Map<String, Object> before = state();
        Response response = given().auth().oauth2(token).contentType(ContentType.JSON).body(c.body()).request(method, path);

        response.then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo(MALFORMED)).body("title", equalTo("Malformed request")).body("status", equalTo(400))
                .body("violations", nullValue());
        String detail = response.path("detail");
        assertThat(detail).as("detail for %s", c.name()).contains(c.detail()).hasSizeLessThan(700).doesNotContain("hunter2", "x".repeat(65));
        assertThat(state()).as("state after %s %s: %s", method, path, c.name()).isEqualTo(before);
    }

    /** What a request could have created or changed; audit events are those of the callers here, since jobs of other tests keep writing theirs. */
    private Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("tenants", count("SELECT count(*) FROM tenants"));
        state.put("jobs", count("SELECT count(*) FROM jobs"));
        state.put("idempotency keys", count("SELECT count(*) FROM idempotency_keys"));
        state.put("images", count("SELECT count(*) FROM images"));
        state.put("policies", count("SELECT count(*) FROM tenant_policies"));
        state.put("quotas", count("SELECT count(*) FROM tenant_quotas"));
        state.put("target policy", text("SELECT coalesce((SELECT policy_json FROM tenant_policies WHERE tenant = '" + TARGET + "'), '')"));
        state.put("target quota", text("SELECT coalesce((SELECT concat_ws(',', concurrent_jobs, cpu_millis, memory_mib, pids, log_bytes, "
                + "jobs_per_hour) FROM tenant_quotas WHERE tenant = '" + TARGET + "'), '')"));
        state.put("audit events", count("SELECT count(*) FROM audit_events WHERE actor_subject IN ('" + MEMBER + "', '" + ADMIN + "') "
                + "OR tenant = '" + TENANT + "'"));
        return state;
    }

    private ValidatableResponse putTarget(String what, String body) {
        return given().auth().oauth2(admin()).contentType(ContentType.JSON).body(body)
                .put("/api/v1/admin/tenants/" + TARGET + "/" + what).then();
    }

    private String member() {
        return EmbeddedPlatformResource.token(dataDir, MEMBER, List.of(TENANT), "tenant-member");
    }

    private String admin() {
        return EmbeddedPlatformResource.token(dataDir, ADMIN, List.of(), "platform-admin");
    }

    private long count(String sql) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(sql).getSingleResult()).longValue());
    }

    private String text(String sql) {
        return QuarkusTransaction.requiringNew().call(() -> (String) em.createNativeQuery(sql).getSingleResult());
    }
}
