package dev.berth.api.images;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.JobPolling;
import dev.berth.engine.image.FileTrees;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tenants push their own images to the platform's registry (the embedded docker-registry, which
 * trusts only Berth's token service) with skopeo, as they would from a laptop, and run jobs on
 * them by short name; the token service grants each tenant its own namespace and the platform's
 * for pulling, and refuses, and audits, everything else.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantRegistryTest {

    private static final Duration JOB_LIMIT = Duration.ofSeconds(120);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;
    @ConfigProperty(name = "berth.registry.host")
    String registry;

    /** Everything the clients keep on the tenant's "laptop", removed after the class. */
    private Path laptops;
    /** podman's homes apart: its run root must stay under 50 characters. */
    private final List<Path> podmanHomes = new ArrayList<>();
    private Path python;

    @BeforeAll
    void assemblePython() throws Exception {
        laptops = Files.createTempDirectory("berth-registry-clients");
        python = DebianRootfs.tarball(Files.createDirectories(laptops.resolve("python-image")), DebianRootfs.PYTHON);
    }

    @AfterAll
    void removeLaptops() throws Exception {
        for (Path home : podmanHomes) {
            RegistryClients.removePodmanHome(home);
            FileTrees.remove(home);
        }
        FileTrees.remove(laptops);
    }

    private Path podmanHome() throws IOException {
        Path home = Files.createTempDirectory("berth-podman");
        podmanHomes.add(home);
        return home;
    }

    private String member(String tenant) {
        return EmbeddedPlatformResource.token(dataDir, tenant + "-dev", List.of(tenant), "tenant-member");
    }

    private String admin() {
        return EmbeddedPlatformResource.token(dataDir, "registry-admin", List.of(), "platform-admin");
    }

    @Test
    void aTenantPushesWithSkopeoAndAJobRunsPythonInItByShortName() throws Exception {
        RegistryClients.Result push = push(python, "acme", "acme/python:3.11");
        assertThat(push.ok()).as(push.output()).isTrue();
        String digest = digestOf("acme/python:3.11", "acme");

        String token = member("acme");
        String id = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("image", "python:3.11", "command", List.of("python3", "-c",
                        "import sys, json, sqlite3; print('python', sys.version_info.major, sys.version_info.minor, json.dumps([1, 2]))")))
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
        JsonPath job = JobPolling.awaitFinal(token, id, JOB_LIMIT);

        assertThat(job.getString("state")).as(job.prettify()).isEqualTo("SUCCEEDED");
        assertThat(given().auth().oauth2(token).queryParam("stream", "stdout").get("/api/v1/jobs/" + id + "/logs").then().statusCode(200)
                .extract().asString()).isEqualTo("python 3 11 [1, 2]\n");
        assertThat(job.getString("image.digest")).as("the job ran the digest the registry holds for the tag").isEqualTo(digest);
        assertThat(job.getString("image.reference")).as("as the tenant named it").isEqualTo("python:3.11");
        assertThat(auditReasons("image.fetch")).anyMatch(reason -> reason.contains(digest));

        RegistryClients.Result pullBack = RegistryClients.skopeo("copy", "--src-tls-verify=false", "--src-creds", "acme:" + token,
                "docker://" + registry + "/acme/python:3.11", "oci:" + laptops.resolve("pull-back") + ":3.11");
        assertThat(pullBack.ok()).as(pullBack.output()).isTrue();
    }

    @Test
    void podmanPushesAndPullsBackAndTheJobRunsIt() throws Exception {
        Path laptop = podmanHome();
        String token = member("acme");
        RegistryClients.Result imported = RegistryClients.podman(laptop, "import", python.toString(), "localhost/python:podman");
        assertThat(imported.ok()).as(imported.output()).isTrue();
        RegistryClients.Result login = RegistryClients.podman(laptop, "login", "--tls-verify=false", "-u", "acme", "-p", token, registry);
        assertThat(login.ok()).as(login.output()).isTrue();

        RegistryClients.Result push = RegistryClients.podman(laptop, "push", "--tls-verify=false", "localhost/python:podman",
                "docker://" + registry + "/acme/podman-python:1");
        RegistryClients.Result pull = RegistryClients.podman(podmanHome(), "pull", "--tls-verify=false",
                "--creds", "acme:" + token, registry + "/acme/podman-python:1");
        RegistryClients.Result intruder = RegistryClients.podman(laptop, "push", "--tls-verify=false", "--creds", "globex:" + member("globex"),
                "localhost/python:podman", "docker://" + registry + "/acme/podman-python:2");

        assertThat(push.ok()).as(push.output()).isTrue();
        assertThat(pull.ok()).as(pull.output()).isTrue();
        assertThat(intruder.ok()).as("another tenant pushing with podman").isFalse();
        String id = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("image", "podman-python:1", "command", List.of("python3", "-c", "print('pushed with podman')")))
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
        JsonPath job = JobPolling.awaitFinal(token, id, JOB_LIMIT);
        assertThat(job.getString("state")).as(job.prettify()).isEqualTo("SUCCEEDED");
    }

    @Test
    void anotherTenantsRepositoryIsRefusedToPushPullAndJobs() throws Exception {
        assertThat(push(python, "acme", "acme/shared:1").ok()).isTrue();
        String globex = member("globex");

        RegistryClients.Result push = push(python, "globex", "acme/intruder:1");
        RegistryClients.Result pull = RegistryClients.skopeo("inspect", "--tls-verify=false", "--creds", "globex:" + globex,
                "docker://" + registry + "/acme/shared:1");

        assertThat(push.ok()).as("push into another tenant's namespace").isFalse();
        assertThat(push.output()).containsIgnoringCase("denied");
        assertThat(pull.ok()).as("pull from another tenant's namespace").isFalse();
        for (String image : List.of(registry + "/acme/shared:1", "shared:1")) {
            given().auth().oauth2(globex).contentType(ContentType.JSON).body(Map.of("image", image, "command", List.of("true")))
                    .post("/api/v1/jobs").then().statusCode(422).body("violations.rule", hasItem("image.available"));
        }
        assertThat(auditReasons("registry.token")).anyMatch(reason -> reason.contains("refused [repository:acme/intruder:pull,push]"));
    }

    @Test
    void tenantsPullThePlatformNamespaceWhichOnlyAdminsPush() throws Exception {
        assertThat(push(python, "acme", "platform/python:3.11").ok()).as("a tenant pushing to the platform's namespace").isFalse();
        RegistryClients.Result byAdmin = push(python, admin(), "platform/python:3.11");
        assertThat(byAdmin.ok()).as(byAdmin.output()).isTrue();

        String token = member("initech");
        String id = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("image", "platform/python:3.11", "command", List.of("python3", "-c", "print(6 * 7)")))
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
        JsonPath job = JobPolling.awaitFinal(token, id, JOB_LIMIT);
        assertThat(job.getString("state")).as(job.prettify()).isEqualTo("SUCCEEDED");
        assertThat(given().auth().oauth2(token).queryParam("stream", "stdout").get("/api/v1/jobs/" + id + "/logs").asString()).isEqualTo("42\n");
    }

    @Test
    void aPushBeyondTheRegistryQuotaIsRefusedWithTheReasonAndUsageShowsInTheQuota() throws Exception {
        String token = member("hooli");
        Map<String, Object> quota = Map.of("concurrentJobs", 4, "cpuMillis", 4000, "memoryMiB", 8192, "pids", 4096,
                "logBytes", 1 << 30, "jobsPerHour", 600, "registryBytes", 1 << 20);
        given().auth().oauth2(admin()).contentType(ContentType.JSON).body(quota).put("/api/v1/admin/tenants/hooli/quota")
                .then().statusCode(200);
        RegistryClients.Result first = push(python, "hooli", "hooli/python:1");
        assertThat(first.ok()).as("the first push starts below the quota: " + first.output()).isTrue();

        RegistryClients.Result second = push(python, "hooli", "hooli/python-copy:1");

        assertThat(second.ok()).as("a push once the quota is used up").isFalse();
        assertThat(second.output()).contains("registryBytes quota");
        JsonPath view = given().auth().oauth2(token).get("/api/v1/quota").then().statusCode(200).extract().jsonPath();
        assertThat(view.getLong("quota.registryBytes")).isEqualTo(1 << 20);
        assertThat(view.getLong("inUse.registryBytes")).as("the pushed image's layer and config").isGreaterThan(Files.size(python));
        assertThat(auditReasons("registry.token")).anyMatch(reason -> reason.contains("refused [repository:hooli/python-copy:pull,push (tenant hooli stores"));
    }

    @Test
    void loginNeedsAValidBerthToken() throws Exception {
        Path auth = laptops.resolve("auth.json");
        RegistryClients.Result forged = RegistryClients.skopeo("login", "--tls-verify=false", "--authfile", auth.toString(),
                "-u", "acme", "-p", "not-a-token", registry);
        RegistryClients.Result real = RegistryClients.skopeo("login", "--tls-verify=false", "--authfile", auth.toString(),
                "-u", "acme", "-p", member("acme"), registry);

        assertThat(forged.ok()).as(forged.output()).isFalse();
        assertThat(real.ok()).as(real.output()).isTrue();
        RegistryClients.Result anonymous = RegistryClients.skopeo("inspect", "--tls-verify=false", "--no-creds", "docker://" + registry + "/acme/python:3.11");
        assertThat(anonymous.ok()).as("anonymous pull").isFalse();
    }

    /** skopeo copy of a root filesystem tarball, with the login given as a user name and a token ({@code tenant} is either). */
    private RegistryClients.Result push(Path tarball, String tenantOrToken, String repository) throws Exception {
        String password = tenantOrToken.contains(".") ? tenantOrToken : member(tenantOrToken);
        return RegistryClients.skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "user:" + password,
                "tarball:" + tarball, "docker://" + registry + "/" + repository);
    }

    private String digestOf(String repository, String tenant) throws Exception {
        RegistryClients.Result inspect = RegistryClients.skopeo("inspect", "--tls-verify=false", "--creds", tenant + ":" + member(tenant),
                "docker://" + registry + "/" + repository);
        assertThat(inspect.ok()).as(inspect.output()).isTrue();
        return MAPPER.readTree(inspect.output()).path("Digest").asText();
    }

    private List<String> auditReasons(String action) {
        String auditor = EmbeddedPlatformResource.token(dataDir, "auditor", List.of(), "auditor");
        List<Map<String, Object>> items = given().auth().oauth2(auditor).queryParam("limit", 500).get("/api/v1/audit").then().statusCode(200)
                .extract().jsonPath().getList("items");
        return items.stream().filter(item -> action.equals(item.get("action"))).map(item -> String.valueOf(item.get("reason"))).toList();
    }
}
