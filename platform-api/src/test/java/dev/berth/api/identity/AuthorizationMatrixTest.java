package dev.berth.api.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.JobPolling;
import dev.berth.api.auth.LocalSigningKey;
import dev.berth.api.auth.TokenMinter;
import dev.berth.engine.testing.TestLayers.Layer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.authentication.PreemptiveOAuth2HeaderScheme;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every route against every kind of caller. Tokens come from the embedded issuer so that broken
 * ones (expired, foreign issuer, forged, wrong audience) can be made at will; organizations and
 * members live in the real Keycloak. A refused call must leave the state it could touch unchanged.
 */
@QuarkusTest
@QuarkusTestResource(value = KeycloakPlatformResource.class, initArgs = @ResourceArg(name = "issuer", value = "embedded"),
        restrictToAnnotatedClass = true)
class AuthorizationMatrixTest {

    private static final String A = "matrix-a";
    private static final String B = "matrix-b";
    private static final String JOINER = "matrix-carol";
    private static final String LEAVER = "matrix-dave";
    private static final AtomicInteger NEW_TENANTS = new AtomicInteger();
    private static final AtomicInteger NEW_QUOTAS = new AtomicInteger();

    enum Caller {
        MEMBER_OF_A, ADMIN_OF_A, MEMBER_OF_B, ADMIN_OF_B, PLATFORM_ADMIN, AUDITOR,
        NO_TOKEN, EXPIRED, WRONG_ISSUER, FORGED_SIGNATURE, WRONG_AUDIENCE, TWO_ORGANIZATIONS
    }

    record Route(String name, Function<RequestSpecification, Response> call, Supplier<Object> state, Runnable reset,
                 Map<Caller, Integer> expected) {
    }

    private final KeycloakRealmClient realm = new KeycloakRealmClient(KeycloakServer.shared());

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;
    @Inject
    EntityManager em;

    private static final byte[] ONE_FILE_TAR = oneFileTar();

    private static String jobOfA;
    private static String uploadOfA;
    private static String organizationOfA;

    @BeforeEach
    void provisionTwoTenantsOnce() throws InterruptedException {
        if (jobOfA != null) {
            return;
        }
        for (String tenant : List.of(A, B)) {
            given().auth().oauth2(token(Caller.PLATFORM_ADMIN)).contentType(ContentType.JSON).body(Map.of("id", tenant))
                    .post("/api/v1/admin/tenants").then().statusCode(201);
        }
        organizationOfA = realm.organization(A).orElseThrow().get("id").asText();
        realm.createUser(JOINER, "tenant-member");
        realm.createUser(LEAVER, "tenant-member");
        jobOfA = given().auth().oauth2(token(Caller.MEMBER_OF_A)).contentType(ContentType.JSON)
                .body(Map.of("image", "busybox", "command", List.of("sh", "-c", "echo \"a's secret\"; mkdir /tmp/out; echo a > /tmp/out/a.txt"),
                        "artifacts", Map.of("paths", List.of("/tmp/out"))))
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
        // The cancel route expects A's job to be over (cancelling a final job answers 200 and changes nothing).
        JobPolling.awaitFinal(token(Caller.MEMBER_OF_A), jobOfA, Duration.ofSeconds(60));
    }

    @TestFactory
    Stream<DynamicTest> everyRouteForEveryCaller() {
        return routes().stream().flatMap(route -> route.expected().entrySet().stream().map(entry ->
                DynamicTest.dynamicTest(route.name() + " as " + entry.getKey() + " -> " + entry.getValue(),
                        () -> check(route, entry.getKey(), entry.getValue()))));
    }

    private void check(Route route, Caller caller, int expected) {
        route.reset().run();
        Object before = route.state().get();
        RequestSpecification request = given();
        String token = token(caller);
        if (token != null) {
            request.auth().oauth2(token);
        }
        Response response = route.call().apply(request);
        assertThat(response.statusCode()).as("%s as %s answered %s", route.name(), caller, response.asString()).isEqualTo(expected);
        if (expected >= 400) {
            assertThat(route.state().get()).as("a refused %s as %s changed nothing", route.name(), caller).isEqualTo(before);
        }
        if (expected == 403 || expected == 404) {
            // Console pages answer people with a page, the API answers programs with a problem document.
            assertThat(response.contentType()).startsWith(route.name().startsWith("console ") ? "text/html"
                    : route.name().startsWith("docker ") ? "application/json" : "application/problem+json");
        }
    }

    private List<Route> routes() {
        Supplier<Object> jobs = () -> count("SELECT count(*) FROM jobs");
        Supplier<Object> tenants = () -> count("SELECT count(*) FROM tenants");
        Supplier<Object> membersOfA = () -> realm.memberNames(organizationOfA).stream().sorted().toList();
        Supplier<Object> policyAndQuotaOfA = () -> List.of(
                count("SELECT count(*) FROM tenant_policies WHERE tenant = '" + A + "'"),
                count("SELECT coalesce(sum(jobs_per_hour), -1) FROM tenant_quotas WHERE tenant = '" + A + "'"));
        Supplier<Object> registryGrants = () -> count("SELECT count(*) FROM audit_events WHERE action = 'registry.token'");
        Runnable nothing = () -> { };
        List<Route> routes = new ArrayList<>();
        routes.add(new Route("POST /jobs", request -> request.contentType(ContentType.JSON)
                .body(Map.of("image", "busybox", "command", List.of("true"))).post("/api/v1/jobs"), jobs, nothing,
                expect(201, 201, 201, 201, 403, 403, 403)));
        routes.add(new Route("GET /jobs/{id of A}", request -> request.get("/api/v1/jobs/" + jobOfA), jobs, nothing,
                expect(200, 200, 404, 404, 403, 403, 403)));
        routes.add(new Route("GET /jobs/{id of A}/logs", request -> request.get("/api/v1/jobs/" + jobOfA + "/logs"), jobs, nothing,
                expect(200, 200, 404, 404, 403, 403, 403)));
        routes.add(new Route("GET /jobs/{id of A}/events", request -> request.get("/api/v1/jobs/" + jobOfA + "/events"), jobs, nothing,
                expect(200, 200, 404, 404, 403, 403, 403)));
        routes.add(new Route("GET /jobs/{id of A}/artifacts", request -> request.get("/api/v1/jobs/" + jobOfA + "/artifacts"), jobs, nothing,
                expect(200, 200, 404, 404, 403, 403, 403)));
        Supplier<Object> secrets = () -> count("SELECT count(*) FROM tenant_secrets");
        routes.add(new Route("GET /jobs/{id of A}/artifacts/{name}", request -> request.get("/api/v1/jobs/" + jobOfA + "/artifacts/tmp/out/a.txt"),
                jobs, nothing, expect(200, 200, 404, 404, 403, 403, 403)));
        // The token service is open at the HTTP layer (registry clients ask anonymously first) and grants by role and tenant
        // (RegistryAccessRulesTest, TenantRegistryTest); only a token that does not verify is refused, and nothing is audited then.
        routes.add(new Route("GET /registry/token", request -> request.get("/api/v1/registry/token?service=berth-registry&scope=repository:" + A
                + "/app:pull,push"), registryGrants, nothing, registry(expect(200, 200, 200, 200, 200, 200, 200))));
        routes.add(new Route("GET /secrets", request -> request.get("/api/v1/secrets"), secrets, nothing,
                expect(200, 200, 200, 200, 403, 403, 403)));
        routes.add(new Route("DELETE /secrets/{unknown}", request -> request.delete("/api/v1/secrets/never-set"), secrets, nothing,
                expect(404, 404, 404, 404, 403, 403, 403)));
        Supplier<Object> uploads = () -> count("SELECT count(*) FROM input_uploads");
        routes.add(new Route("POST /inputs", request -> request.contentType("application/x-tar").body(ONE_FILE_TAR).post("/api/v1/inputs"),
                uploads, nothing, expect(201, 201, 201, 201, 403, 403, 403)));
        routes.add(new Route("DELETE /inputs/{upload of A}", request -> request.delete("/api/v1/inputs/" + uploadOfA), uploads,
                this::ensureUploadOfA, expect(204, 204, 404, 404, 403, 403, 403)));
        routes.add(new Route("GET /admin/tenants", request -> request.get("/api/v1/admin/tenants"), tenants, nothing,
                expect(403, 403, 403, 403, 200, 403, 403)));
        routes.add(new Route("POST /admin/tenants", request -> request.contentType(ContentType.JSON)
                .body(Map.of("id", "matrix-new-" + NEW_TENANTS.incrementAndGet())).post("/api/v1/admin/tenants"), tenants, nothing,
                expect(403, 403, 403, 403, 201, 403, 403)));
        routes.add(new Route("GET /admin/tenants/A/members", request -> request.get("/api/v1/admin/tenants/" + A + "/members"),
                membersOfA, nothing, expect(403, 200, 403, 404, 200, 403, 403)));
        routes.add(new Route("POST /admin/tenants/A/members", request -> request.contentType(ContentType.JSON)
                .body(Map.of("username", JOINER)).post("/api/v1/admin/tenants/" + A + "/members"), membersOfA,
                () -> realm.ensureNotMember(organizationOfA, JOINER), expect(403, 204, 403, 404, 204, 403, 403)));
        routes.add(new Route("DELETE /admin/tenants/A/members/{user}", request -> request.delete("/api/v1/admin/tenants/" + A + "/members/" + LEAVER),
                membersOfA, () -> realm.ensureMember(organizationOfA, LEAVER), expect(403, 204, 403, 404, 204, 403, 403)));
        Supplier<Object> cancelRequests = () -> count("SELECT count(*) FROM jobs WHERE cancel_requested_at IS NOT NULL");
        routes.add(new Route("GET /jobs", request -> request.get("/api/v1/jobs"), jobs, nothing,
                expect(200, 200, 200, 200, 403, 403, 403)));
        routes.add(new Route("POST /jobs/{id of A}/cancel", request -> request.post("/api/v1/jobs/" + jobOfA + "/cancel"),
                cancelRequests, nothing, expect(200, 200, 404, 404, 403, 403, 403)));
        routes.add(new Route("GET /quota", request -> request.get("/api/v1/quota"), jobs, nothing,
                expect(200, 200, 200, 200, 403, 403, 403)));
        routes.add(new Route("GET /usage/history", request -> request.get("/api/v1/usage/history"), jobs, nothing,
                expect(200, 200, 200, 200, 403, 403, 403)));
        routes.add(new Route("GET /admin/tenants/A/usage/history", request -> request.get("/api/v1/admin/tenants/" + A + "/usage/history"),
                jobs, nothing, expect(403, 403, 403, 403, 200, 403, 403)));
        routes.add(new Route("POST /jobs/dry-run", request -> request.contentType(ContentType.JSON)
                .body(Map.of("image", "busybox", "command", List.of("true"))).post("/api/v1/jobs/dry-run"), jobs, nothing,
                expect(200, 200, 200, 200, 403, 403, 403)));
        routes.add(new Route("GET /admin/tenants/A/policy", request -> request.get("/api/v1/admin/tenants/" + A + "/policy"),
                policyAndQuotaOfA, nothing, expect(403, 403, 403, 403, 200, 403, 403)));
        // Every call asks for another jobs-per-hour value, so a refused one that wrote anyway would show.
        routes.add(new Route("PUT /admin/tenants/A/quota", request -> request.contentType(ContentType.JSON)
                .body(Map.of("concurrentJobs", 4, "cpuMillis", 4000, "memoryMiB", 1024, "pids", 1024, "logBytes", 1 << 20,
                        "jobsPerHour", 100 + NEW_QUOTAS.incrementAndGet()))
                .put("/api/v1/admin/tenants/" + A + "/quota"), policyAndQuotaOfA, nothing, expect(403, 403, 403, 403, 200, 403, 403)));
        routes.add(new Route("GET /audit", request -> request.get("/api/v1/audit"), jobs, nothing,
                expect(403, 403, 403, 403, 200, 200, 403)));
        routes.add(new Route("GET /audit/verify", request -> request.get("/api/v1/audit/verify"), jobs, nothing,
                expect(403, 403, 403, 403, 200, 200, 403)));
        Supplier<Object> images = () -> count("SELECT count(*) FROM images");
        routes.add(new Route("GET /admin/images", request -> request.get("/api/v1/admin/images"), images, nothing,
                expect(403, 403, 403, 403, 200, 403, 403)));
        // A registry nobody listens on: the pull is accepted and fails later, off the request.
        routes.add(new Route("POST /admin/images", request -> request.contentType(ContentType.JSON)
                .body(Map.of("ref", "127.0.0.1:1/matrix/app:" + NEW_TENANTS.incrementAndGet())).post("/api/v1/admin/images"),
                images, nothing, expect(403, 403, 403, 403, 202, 403, 403)));
        routes.add(new Route("DELETE /admin/images/{unknown}", request -> request.delete("/api/v1/admin/images/" + UUID.randomUUID()),
                images, nothing, expect(403, 403, 403, 403, 404, 403, 403)));
        // The Docker Engine API: the same roles and tenant as the REST API, answered with Docker's {"message"} documents.
        Supplier<Object> dockerContainers = () -> count("SELECT count(*) FROM docker_containers");
        routes.add(new Route("docker GET /docker/v1.41/containers/json", request -> request.get("/docker/v1.41/containers/json?all=1"),
                dockerContainers, nothing, expect(200, 200, 200, 200, 403, 403, 403)));
        routes.add(new Route("docker POST /docker/v1.41/containers/create", request -> request.contentType(ContentType.JSON)
                .body(Map.of("Image", "busybox", "Cmd", List.of("true"))).post("/docker/v1.41/containers/create"), dockerContainers, nothing,
                expect(201, 201, 201, 201, 403, 403, 403)));
        routes.add(new Route("docker POST /docker/v1.41/containers/{unknown}/start", request -> request
                .post("/docker/v1.41/containers/0123456789ab/start"), jobs, nothing, expect(404, 404, 404, 404, 403, 403, 403)));
        routes.add(new Route("docker POST /docker/v1.41/containers/{unknown}/attach", request -> request
                .post("/docker/v1.41/containers/0123456789ab/attach?stream=1&stdout=1"), jobs, nothing, expect(404, 404, 404, 404, 403, 403, 403)));
        // Version names no tenant, so a token of two organizations still reads it; everything else needs one tenant.
        routes.add(new Route("docker GET /docker/v1.41/version", request -> request.get("/docker/v1.41/version"), jobs, nothing,
                expect(200, 200, 200, 200, 403, 403, 200)));
        routes.add(new Route("docker GET /docker/v1.41/info", request -> request.get("/docker/v1.41/info"), jobs, nothing,
                expect(200, 200, 200, 200, 403, 403, 403)));
        routes.add(new Route("docker GET /docker/v1.41/containers/{unknown}/json", request -> request
                .get("/docker/v1.41/containers/0123456789ab/json"), dockerContainers, nothing, expect(404, 404, 404, 404, 403, 403, 403)));
        routes.add(new Route("docker POST /docker/v1.41/containers/{unknown}/wait", request -> request
                .post("/docker/v1.41/containers/0123456789ab/wait"), jobs, nothing, expect(404, 404, 404, 404, 403, 403, 403)));
        routes.add(new Route("docker GET /docker/v1.41/containers/{unknown}/logs", request -> request
                .get("/docker/v1.41/containers/0123456789ab/logs?stdout=1"), jobs, nothing, expect(404, 404, 404, 404, 403, 403, 403)));
        routes.add(new Route("docker POST /docker/v1.41/containers/{unknown}/kill", request -> request
                .post("/docker/v1.41/containers/0123456789ab/kill"), jobs, nothing, expect(404, 404, 404, 404, 403, 403, 403)));
        routes.add(new Route("docker DELETE /docker/v1.41/containers/{unknown}", request -> request
                .delete("/docker/v1.41/containers/0123456789ab"), dockerContainers, nothing, expect(404, 404, 404, 404, 403, 403, 403)));
        routes.add(new Route("docker POST /docker/v1.41/images/create (an image Berth lacks)", request -> request
                .post("/docker/v1.41/images/create?fromImage=matrix-absent&tag=1"), images, nothing, expect(404, 404, 404, 404, 403, 403, 403)));
        routes.add(new Route("docker GET /docker/v1.41/images/json", request -> request.get("/docker/v1.41/images/json"), jobs, nothing,
                expect(200, 200, 200, 200, 403, 403, 403)));
        // Console pages take no bearer tokens: a browser session carries the caller's token in the console cookie
        // (embedded issuer), and without a session that verifies, the browser is sent to the login page.
        // Tenant members and auditors are sent on to their own pages; a tenant token naming two tenants has none.
        routes.add(new Route("console GET /console/", request -> asConsoleSession(request).get("/console/"), jobs, nothing,
                console(expect(303, 303, 303, 303, 200, 303, 403), 303)));
        // The tenant pages show the caller's own tenant only: B's members find A's job missing, as on the API.
        routes.add(new Route("console GET /console/my", request -> asConsoleSession(request).get("/console/my"), jobs, nothing,
                console(expect(200, 200, 200, 200, 403, 403, 403), 303)));
        routes.add(new Route("console GET /console/my?period=day", request -> asConsoleSession(request).get("/console/my?period=day"), jobs,
                nothing, console(expect(200, 200, 200, 200, 403, 403, 403), 303)));
        routes.add(new Route("console GET /console/my/jobs", request -> asConsoleSession(request).get("/console/my/jobs"), jobs, nothing,
                console(expect(200, 200, 200, 200, 403, 403, 403), 303)));
        routes.add(new Route("console GET /console/my/jobs/{id of A}", request -> asConsoleSession(request).get("/console/my/jobs/" + jobOfA),
                jobs, nothing, console(expect(200, 200, 404, 404, 403, 403, 403), 303)));
        // The output of a final job answers htmx's stop-polling status.
        routes.add(new Route("console GET /console/my/jobs/{id of A}/log", request -> asConsoleSession(request)
                .get("/console/my/jobs/" + jobOfA + "/log"), jobs, nothing, console(expect(286, 286, 404, 404, 403, 403, 403), 303)));
        routes.add(new Route("console GET /console/my/jobs/{id of A}/artifacts/{name}", request -> asConsoleSession(request)
                .get("/console/my/jobs/" + jobOfA + "/artifacts/tmp/out/a.txt"), jobs, nothing, console(expect(200, 200, 404, 404, 403, 403, 403), 303)));
        routes.add(new Route("console GET /console/usage?tenant=A", request -> asConsoleSession(request).get("/console/usage?tenant=" + A),
                jobs, nothing, console(expect(403, 403, 403, 403, 200, 403, 403), 303)));
        routes.add(new Route("console GET /console/jobs?tenant=A", request -> asConsoleSession(request).get("/console/jobs?tenant=" + A),
                jobs, nothing, console(expect(403, 403, 403, 403, 200, 403, 403), 303)));
        routes.add(new Route("console GET /console/jobs/A/{id of A}", request -> asConsoleSession(request)
                .get("/console/jobs/" + A + "/" + jobOfA), jobs, nothing, console(expect(403, 403, 403, 403, 200, 403, 403), 303)));
        routes.add(new Route("console GET /console/jobs/A/{id of A}/log", request -> asConsoleSession(request)
                .get("/console/jobs/" + A + "/" + jobOfA + "/log"), jobs, nothing, console(expect(403, 403, 403, 403, 286, 403, 403), 303)));
        routes.add(new Route("console GET /console/audit", request -> asConsoleSession(request).get("/console/audit"), jobs,
                nothing, console(expect(403, 403, 403, 403, 200, 200, 403), 303)));
        routes.add(new Route("console GET /console/images", request -> asConsoleSession(request).get("/console/images"), images,
                nothing, console(expect(403, 403, 403, 403, 200, 403, 403), 303)));
        routes.add(new Route("console GET /console/tenants/A", request -> asConsoleSession(request).get("/console/tenants/" + A),
                policyAndQuotaOfA, nothing, console(expect(403, 403, 403, 403, 200, 403, 403), 303)));
        // A form without the CSRF token is refused before anything else, platform admins included.
        routes.add(new Route("console POST /console/tenants/A/quota", request -> asConsoleSession(request)
                .contentType(ContentType.URLENC).formParams(Map.of("concurrentJobs", "1", "cpuMillis", "1000", "memoryMiB", "64",
                        "pids", "64", "logBytes", "1024", "jobsPerHour", String.valueOf(100 + NEW_QUOTAS.incrementAndGet())))
                .post("/console/tenants/" + A + "/quota"), policyAndQuotaOfA, nothing, console(expect(403, 403, 403, 403, 403, 403, 403), 403)));
        routes.add(new Route("console POST /console/tenants/A/policy/form", request -> asConsoleSession(request)
                .contentType(ContentType.URLENC).formParams(Map.of("tier", "restricted", "allowedImages", "busybox"))
                .post("/console/tenants/" + A + "/policy/form"), policyAndQuotaOfA, nothing, console(expect(403, 403, 403, 403, 403, 403, 403), 403)));
        return routes;
    }

    /** Uploads a tar for A unless the last one is still stored (a caller allowed to delete it just did). */
    private void ensureUploadOfA() {
        if (uploadOfA == null || count("SELECT count(*) FROM input_uploads WHERE id = '" + uploadOfA + "'") == 0) {
            uploadOfA = given().auth().oauth2(token(Caller.MEMBER_OF_A)).contentType("application/x-tar").body(ONE_FILE_TAR)
                    .post("/api/v1/inputs").then().statusCode(201).extract().path("id");
        }
    }

    private static byte[] oneFileTar() {
        try {
            return new Layer().file("a.txt", "a").bytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Anonymous callers get a token without access; a token that does not verify is refused. */
    private static Map<Caller, Integer> registry(Map<Caller, Integer> expected) {
        for (Caller broken : List.of(Caller.EXPIRED, Caller.WRONG_ISSUER, Caller.FORGED_SIGNATURE, Caller.WRONG_AUDIENCE)) {
            expected.put(broken, 401);
        }
        expected.put(Caller.NO_TOKEN, 200);
        return expected;
    }

    /** Without a session that verifies (none, or a broken token in the cookie) a console page answers {@code withoutSession}. */
    private static Map<Caller, Integer> console(Map<Caller, Integer> expected, int withoutSession) {
        for (Caller broken : List.of(Caller.NO_TOKEN, Caller.EXPIRED, Caller.WRONG_ISSUER, Caller.FORGED_SIGNATURE, Caller.WRONG_AUDIENCE)) {
            expected.put(broken, withoutSession);
        }
        return expected;
    }

    /** Moves the caller's bearer token into the console's session cookie, where a browser that logged in carries it. */
    private static RequestSpecification asConsoleSession(RequestSpecification request) {
        FilterableRequestSpecification spec = (FilterableRequestSpecification) request;
        if (spec.getAuthenticationScheme() instanceof PreemptiveOAuth2HeaderScheme bearer) {
            spec.auth().none().cookie("berth_console_session", bearer.getAccessToken());
        }
        return spec.redirects().follow(false);
    }

    /** Statuses for the callers with valid tokens, in {@link Caller} order; every broken token answers 401. */
    private static Map<Caller, Integer> expect(int memberOfA, int adminOfA, int memberOfB, int adminOfB, int platformAdmin,
            int auditor, int twoOrganizations) {
        Map<Caller, Integer> expected = new EnumMap<>(Caller.class);
        expected.put(Caller.MEMBER_OF_A, memberOfA);
        expected.put(Caller.ADMIN_OF_A, adminOfA);
        expected.put(Caller.MEMBER_OF_B, memberOfB);
        expected.put(Caller.ADMIN_OF_B, adminOfB);
        expected.put(Caller.PLATFORM_ADMIN, platformAdmin);
        expected.put(Caller.AUDITOR, auditor);
        expected.put(Caller.TWO_ORGANIZATIONS, twoOrganizations);
        for (Caller broken : List.of(Caller.NO_TOKEN, Caller.EXPIRED, Caller.WRONG_ISSUER, Caller.FORGED_SIGNATURE, Caller.WRONG_AUDIENCE)) {
            expected.put(broken, 401);
        }
        return expected;
    }

    /** Broken tokens carry every role and tenant A, so the defect is the only reason to refuse them. */
    private String token(Caller caller) {
        List<String> all = List.of("tenant-member", "tenant-admin", "platform-admin", "auditor");
        return switch (caller) {
            case MEMBER_OF_A -> sign(claims(List.of(A), "tenant-member"));
            case ADMIN_OF_A -> sign(claims(List.of(A), "tenant-admin"));
            case MEMBER_OF_B -> sign(claims(List.of(B), "tenant-member"));
            case ADMIN_OF_B -> sign(claims(List.of(B), "tenant-admin"));
            case PLATFORM_ADMIN -> sign(claims(List.of(), "platform-admin"));
            case AUDITOR -> sign(claims(List.of(A), "auditor"));
            case NO_TOKEN -> null;
            case EXPIRED -> sign(claims(List.of(A), all.toArray(String[]::new))
                    .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600)));
            case WRONG_ISSUER -> sign(claims(List.of(A), all.toArray(String[]::new)).issuer("https://keycloak.example/realms/berth"));
            case FORGED_SIGNATURE -> claims(List.of(A), all.toArray(String[]::new)).jws().sign(strangerKey());
            case WRONG_AUDIENCE -> sign(claims(List.of(A), all.toArray(String[]::new)).audience("another-api"));
            case TWO_ORGANIZATIONS -> sign(claims(List.of(A, B), "tenant-member", "tenant-admin"));
        };
    }

    private static JwtClaimsBuilder claims(List<String> organizations, String... roles) {
        return Jwt.issuer(TokenMinter.ISSUER).audience(TokenMinter.AUDIENCE).subject("matrix-user")
                .claim("organization", organizations).claim("realm_access", Map.of("roles", List.of(roles)))
                .expiresIn(600);
    }

    private String sign(JwtClaimsBuilder claims) {
        try {
            return claims.jws().sign(LocalSigningKey.loadOrCreate(dataDir.resolve("keys")).privateKey());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey strangerKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair().getPrivate();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private long count(String sql) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(sql).getSingleResult()).longValue());
    }
}
