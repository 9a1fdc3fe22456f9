package dev.berth.api.policy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.berth.api.EmbeddedPlatformResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Platform admins set tenant policies and quotas over HTTP; tenants see their effect in the
 * dry-run plan and in the same refusals on submit. Nothing here runs a container.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class TenantPolicyApiTest {

    private static final Map<String, Object> BUSYBOX = Map.of("image", "busybox", "command", List.of("true"));

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;

    @Inject
    EntityManager em;

    private String admin() {
        return EmbeddedPlatformResource.token(dataDir, "root-admin", List.of(), "platform-admin");
    }

    private String member(String tenant) {
        return EmbeddedPlatformResource.token(dataDir, "user-of-" + tenant, List.of(tenant), "tenant-member");
    }

    private ValidatableResponse put(String tenant, String what, Object body) {
        return given().auth().oauth2(admin()).contentType(ContentType.JSON).body(body)
                .when().put("/api/v1/admin/tenants/" + tenant + "/" + what).then();
    }

    private ValidatableResponse post(String tenant, String path, Object body) {
        return given().auth().oauth2(member(tenant)).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/jobs" + path).then();
    }

    @Test
    void anAdminStoresAPolicyAndReadsBackWhatAdmissionApplies() {
        put("initech", "policy", Map.of("allowedImages", List.of("busybox"), "maxResources", Map.of("memoryMiB", 128),
                "defaultTimeoutSeconds", 60, "maxTimeoutSeconds", 120, "deniedEnv", List.of("LD_*")))
                .statusCode(200);

        JsonPath policy = given().auth().oauth2(admin()).get("/api/v1/admin/tenants/initech/policy")
                .then().statusCode(200).extract().jsonPath();
        assertThat(policy.getString("tier")).isEqualTo("restricted");
        assertThat(policy.getList("allowedImages")).containsExactly("busybox");
        assertThat(policy.getInt("maxResources.memoryMiB")).isEqualTo(128);
        assertThat(policy.getList("networks")).containsExactly("none");
        assertThat(policy.getList("deniedEnv")).containsExactly("LD_*");

        JsonPath plan = post("initech", "/dry-run", BUSYBOX).statusCode(200).extract().jsonPath();
        assertThat(plan.getLong("limits.memoryBytes")).isEqualTo(128L << 20);
        assertThat(plan.getInt("timeoutSeconds")).isEqualTo(60);
        assertThat(plan.getList("decisions.rule", String.class)).contains("resources.memory.default", "timeout.default");
    }

    @Test
    void everyPolicyAndQuotaChangeLeavesAnAuditEvent() {
        put("soylent", "policy", Map.of("tier", "baseline")).statusCode(200);
        put("soylent", "quota", Map.of("concurrentJobs", 3, "cpuMillis", 2000, "memoryMiB", 256, "pids", 512,
                "logBytes", 1 << 20, "jobsPerHour", 100)).statusCode(200);

        List<String> actions = given().auth().oauth2(admin()).queryParam("tenant", "soylent").get("/api/v1/audit")
                .then().statusCode(200).extract().jsonPath().getList("items.action", String.class);
        assertThat(actions).contains("tenant.policy.update", "tenant.quota.update");
    }

    @Test
    void anInvalidPolicyIsRefusedWithEveryReasonAndChangesNothing() {
        put("hooli", "policy", Map.of("allowedImages", List.of("busybox"))).statusCode(200);

        put("hooli", "policy", Map.of("tier", "privileged", "allowedCapabilities", List.of("SYS_ADMIN"),
                "maxResources", Map.of("memoryMiB", 99_999)))
                .statusCode(422).contentType("application/problem+json")
                .body("violations.rule", containsInAnyOrder("policy.tier", "policy.capabilities", "policy.max-resources"))
                .body("violations.field", hasItem("maxResources.memoryMiB"));
        put("hooli", "policy", "{\"tier\": ").statusCode(400).contentType("application/problem+json");
        put("hooli", "policy", Map.of("maxResource", Map.of("memoryMiB", 64))).statusCode(400)
                .contentType("application/problem+json").body("detail", org.hamcrest.Matchers.containsString("maxResource"));
        put("hooli", "quota", Map.of("concurrentJobs", 1, "cpuMillis", 1, "memoryMiB", 1, "pids", 1, "logBytes", 1,
                "jobsPerHour", 1, "jobsPerDay", 1)).statusCode(400);

        given().auth().oauth2(admin()).get("/api/v1/admin/tenants/hooli/policy")
                .then().statusCode(200).body("tier", equalTo("restricted")).body("allowedCapabilities", equalTo(List.of()));
    }

    @Test
    void onlyPlatformAdminsReachTheAdminApi() {
        put("initech", "quota", Map.of()).statusCode(422);
        String tenantAdmin = EmbeddedPlatformResource.token(dataDir, "boss", List.of("initech"), "tenant-admin");
        given().auth().oauth2(tenantAdmin).get("/api/v1/admin/tenants/initech/policy").then().statusCode(403);
        given().auth().oauth2(tenantAdmin).contentType(ContentType.JSON).body(Map.of("tier", "baseline"))
                .put("/api/v1/admin/tenants/initech/policy").then().statusCode(403);
        given().get("/api/v1/admin/tenants/initech/quota").then().statusCode(401);
        given().auth().oauth2(admin()).get("/api/v1/admin/tenants/nobody-yet/quota")
                .then().statusCode(404).contentType("application/problem+json");
        put("bad%20id", "quota", Map.of()).statusCode(422).body("violations.rule", hasItem("tenant.id"));
    }

    @Test
    void anEgressAllowListIsCheckedWhereItIsStoredAndAJobCannotUseItOutsideEgress() {
        put("initech", "policy", Map.of("allowedImages", List.of("busybox"))).statusCode(200);
        put("initech", "policy", Map.of("tier", "baseline", "egress", List.of(Map.of("destination", "10.0.0.1/8"),
                Map.of("destination", "api.example.com", "ports", "0", "protocol", "sctp"))))
                .statusCode(422).contentType("application/problem+json")
                .body("violations.rule", contains("policy.egress", "policy.egress", "policy.egress"))
                .body("violations.field", contains("egress[0].destination", "egress[1].ports", "egress[1].protocol"));
        put("initech", "policy", Map.of("tier", "baseline", "egress", List.of(Map.of("destination", "169.254.169.254", "ports", "80"),
                Map.of("destination", "198.51.100.0/24", "ports", "443"))))
                .statusCode(422)
                .body("violations.rule", contains("policy.egress-denied", "policy.egress-mode"))
                .body("violations.field", contains("egress[0].destination", "egress"));
        put("initech", "policy", Map.of("egress", "198.51.100.0/24")).statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("egress: expected an array"));
        given().auth().oauth2(admin()).get("/api/v1/admin/tenants/initech/policy")
                .then().statusCode(200).body("egress", equalTo(List.of()));

        post("initech", "/dry-run", Map.of("image", "busybox", "command", List.of("true"),
                "egress", List.of(Map.of("destination", "198.51.100.10", "ports", "443"))))
                .statusCode(422).body("violations.rule", contains("network.egress-mode"));
        post("initech", "/dry-run", Map.of("image", "busybox", "command", List.of("true"), "network", "egress"))
                .statusCode(422).body("violations.rule", contains("network.ceiling"));
    }

    @Test
    void theDryRunShowsTheHardenedPlanAndStoresNothing() {
        long before = jobCount();
        JsonPath plan = post("umbrella", "/dry-run", BUSYBOX).statusCode(200).extract().jsonPath();

        assertThat(plan.getBoolean("noNewPrivileges")).isTrue();
        assertThat(plan.getBoolean("readOnlyRootfs")).isTrue();
        assertThat(plan.getString("seccompProfile")).matches("berth-restricted@sha256:[0-9a-f]{64}");
        assertThat(plan.getList("capabilities")).isEmpty();
        assertThat(plan.getString("network")).isEqualTo("none");
        assertThat(plan.getLong("uid")).isEqualTo(1000);
        assertThat(plan.getLong("uidMappings[1].hostId")).isGreaterThan(0);
        assertThat(plan.getList("decisions.rule", String.class)).contains("user.namespace", "seccomp.default-deny", "tier.restricted");
        assertThat(jobCount()).isEqualTo(before);
    }

    @Test
    void dryRunAndSubmitRefuseWithTheSameViolations() {
        put("globex", "policy", Map.of("allowedImages", List.of("registry.local:5000/team/*"))).statusCode(200);
        Map<String, Object> request = Map.of("image", "busybox", "command", List.of("true"), "user", 0);
        long before = jobCount();

        List<Map<String, String>> dryRun = post("globex", "/dry-run", request).statusCode(422)
                .contentType("application/problem+json").extract().path("violations");
        List<Map<String, String>> submit = post("globex", "", request).statusCode(422).extract().path("violations");

        assertThat(dryRun).isEqualTo(submit);
        assertThat(dryRun).extracting(v -> v.get("rule")).containsExactly("user.non-root", "image.policy");
        assertThat(jobCount()).isEqualTo(before);
    }

    @Test
    void aJobThatCouldNeverFitTheQuotaIsRefusedAtSubmit() {
        put("acme-q", "quota", Map.of("concurrentJobs", 2, "cpuMillis", 2000, "memoryMiB", 64, "pids", 512,
                "logBytes", 1 << 20, "jobsPerHour", 100)).statusCode(200).body("memoryMiB", equalTo(64));
        given().auth().oauth2(admin()).get("/api/v1/admin/tenants/acme-q/quota").then().statusCode(200)
                .body("concurrentJobs", equalTo(2)).body("logBytes", equalTo(1 << 20));

        Map<String, Object> big = Map.of("image", "busybox", "command", List.of("true"), "resources", Map.of("memoryMiB", 100));
        post("acme-q", "", big).statusCode(422).body("violations.rule", contains("quota.memory"))
                .body("violations[0].message", equalTo("100 MiB is above tenant acme-q's total memory quota of 64 MiB; "
                        + "the job could never start; ask for at most 64, or ask a platform admin to raise the quota"));
        post("acme-q", "/dry-run", BUSYBOX).statusCode(200).body("limits.memoryBytes", equalTo(64 << 20));

        put("acme-q", "quota", Map.of("concurrentJobs", 0)).statusCode(422)
                .body("violations.rule", contains("quota.required", "quota.required", "quota.required", "quota.required", "quota.required"));
        put("acme-q", "quota", Map.of("concurrentJobs", 0, "cpuMillis", 2000, "memoryMiB", 64, "pids", 512,
                "logBytes", 0, "jobsPerHour", 100)).statusCode(200);
        post("acme-q", "", BUSYBOX).statusCode(422).body("violations.rule", contains("quota.concurrent-jobs"));
    }

    /**
     * The console's preview catches the refusal to show it, so no exception reaches the HTTP
     * problem mapper; the refusal is audited all the same, where admission decided it.
     */
    @Test
    void theConsolesPreviewAuditsARefusalLikeTheApisDryRun() throws InterruptedException {
        put("previewco", "policy", Map.of("allowedImages", List.of("busybox"))).statusCode(200);
        String csrf = "c".repeat(43);
        String target = "POST /console/tenants/previewco/policy/preview";
        given().cookie("berth_console_session", admin()).cookie("berth_csrf", csrf).contentType(ContentType.URLENC)
                .formParam("_csrf", csrf).formParam("policy", "{\"allowedImages\": [\"busybox\"]}")
                .formParam("sample", "{\"image\": \"busybox\", \"command\": [\"id\"], \"user\": 0}")
                .post("/console/tenants/previewco/policy/preview")
                .then().statusCode(200).body(containsString("Refused"), containsString("user.non-root"));

        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        List<Map<String, Object>> denials = deniedAt(target);
        while (denials.isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            denials = deniedAt(target);
        }
        assertThat(denials).singleElement().satisfies(event -> assertThat(event).containsEntry("outcome", "denied")
                .containsEntry("reason", "1 rule(s) refuse this job; see violations")
                .containsEntry("ruleIds", List.of("user.non-root")));
    }

    private List<Map<String, Object>> deniedAt(String target) {
        List<Map<String, Object>> events = given().auth().oauth2(admin()).queryParam("action", "policy.deny").queryParam("actor", "root-admin")
                .get("/api/v1/audit").then().statusCode(200).extract().jsonPath().getList("items");
        return events.stream().filter(event -> target.equals(event.get("target"))).toList();
    }

    private long jobCount() {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery("select count(j) from Job j", Long.class).getSingleResult());
    }
}
