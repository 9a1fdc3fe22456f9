package dev.berth.api.jobs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.lifecycle.Job;
import dev.berth.engine.testing.EgressLab;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An egress job end to end through the HTTP API, on a platform offering {@code none,egress}: a
 * platform admin gives a tenant a careless allow-list (everything, 0.0.0.0/0), a tenant member
 * narrows it per job, and the job's own probes, inside its real container, show what it reached.
 * Targets are {@link EgressLab}'s servers ({@link LabEgressSettings} puts the lab in place of the
 * host's uplink); the platform's own port is probed through the host's uplink, as in production.
 */
@QuarkusTest
@TestProfile(EgressJobApiTest.OffersEgress.class)
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class EgressJobApiTest {

    public static class OffersEgress implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("berth.policy.network-modes", "none,egress");
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(LabEgressSettings.class);
        }
    }

    private static final String TENANT = "egressco";

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;
    @ConfigProperty(name = "quarkus.http.test-port")
    int platformPort;
    @Inject
    EntityManager em;

    private JobsApi api;

    private JobsApi api() {
        if (api == null) {
            api = new JobsApi(dataDir);
            String admin = EmbeddedPlatformResource.token(dataDir, "admin", List.of("platform"), "platform-admin");
            given().auth().oauth2(admin).contentType(ContentType.JSON)
                    .body(Map.of("tier", "baseline", "networks", List.of("none", "egress"), "egress", List.of(
                            Map.of("destination", "0.0.0.0/0"), Map.of("destination", "allowed.lab.test", "ports", "8080"))))
                    .put("/api/v1/admin/tenants/" + TENANT + "/policy").then().statusCode(200);
        }
        return api;
    }

    @AfterEach
    void backToTheLab() {
        LabEgressSettings.throughTheLab();
    }

    private static Map<String, Object> egressJob(String script, List<Map<String, String>> narrowed) {
        Map<String, Object> request = new java.util.HashMap<>(JobsApi.shell(script));
        request.put("network", "egress");
        if (narrowed != null) {
            request.put("egress", narrowed);
        }
        return request;
    }

    private String stdout(String id) {
        return given().auth().oauth2(api().token(TENANT)).get("/api/v1/jobs/" + id + "/logs").then().statusCode(200).extract().asString();
    }

    @Test
    void aNarrowedJobReachesItsDestinationsAndNothingElseAndShowsItsListEverywhere() throws Exception {
        List<Map<String, String>> narrowed = List.of(Map.of("destination", "198.51.100.10", "ports", "8080"),
                Map.of("destination", "allowed.lab.test", "ports", "8080"));
        String script = "nslookup allowed.lab.test; echo \"allowed=$?\"; nslookup denied.lab.test; echo \"denied=$?\"; "
                + "nslookup example.com; echo \"other=$?\"; "
                + EgressLab.probe(List.of("198.51.100.10:8080", "allowed.lab.test:8080", "198.51.100.10:8081", "198.51.100.20:8080"));

        JsonPath plan = given().auth().oauth2(api().token(TENANT)).contentType(ContentType.JSON).body(egressJob(script, narrowed))
                .post("/api/v1/jobs/dry-run").then().statusCode(200).extract().jsonPath();
        assertThat(plan.getString("network")).isEqualTo("egress");
        assertThat(plan.getList("egress")).containsExactly(Map.of("destination", "198.51.100.10", "ports", "8080", "protocol", "tcp"),
                Map.of("destination", "allowed.lab.test", "ports", "8080", "protocol", "tcp"));
        assertThat(plan.getList("decisions.rule", String.class)).contains("network.egress");

        String id = api().submit(TENANT, egressJob(script, narrowed));
        JsonPath job = api().awaitFinal(TENANT, id);

        assertThat(job.getString("state")).as(job.prettify()).isEqualTo("SUCCEEDED");
        assertThat(stdout(id)).contains("Address: 198.51.100.10", "allowed=0", "198.51.100.10:8080 reached", "allowed.lab.test:8080 reached",
                        "198.51.100.10:8081 unreachable", "198.51.100.20:8080 unreachable")
                .doesNotContain("denied=0").doesNotContain("other=0").doesNotContain("Address: 198.51.100.20");
        assertThat(job.getString("effectiveSecurity.network")).isEqualTo("egress");
        assertThat(job.getList("effectiveSecurity.egress.allowed")).isEqualTo(plan.getList("egress"));
        assertThat(job.getMap("effectiveSecurity.egress.pinned")).isEqualTo(Map.of("allowed.lab.test", List.of("198.51.100.10")));
        assertThat(job.getList("effectiveSecurity.egress.alwaysDenied", String.class))
                .contains("127.0.0.0/8", "169.254.0.0/16", EgressLab.OWN_ADDRESS);

        String admin = EmbeddedPlatformResource.token(dataDir, "admin", List.of("platform"), "platform-admin");
        List<Map<String, Object>> events = given().auth().oauth2(admin).queryParam("tenant", TENANT).get("/api/v1/audit")
                .then().statusCode(200).extract().jsonPath().getList("items.findAll { it.target == 'job/" + id + "' }");
        Map<String, Object> submit = events.stream().filter(event -> event.get("action").equals("job.submit")).findFirst().orElseThrow();
        Map<String, Object> start = events.stream().filter(event -> event.get("action").equals("job.start")).findFirst().orElseThrow();
        Job stored = em.find(Job.class, UUID.fromString(id));
        assertThat(submit.get("ruleIds")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).contains("network.egress");
        assertThat((String) submit.get("reason")).as("the submit event names the mode and the effective list")
                .startsWith("network egress to ").contains("tcp 198.51.100.10:8080", "tcp allowed.lab.test:8080");
        assertThat(submit.get("securityDigest")).as("the submit event seals the plan with its mode and list").isEqualTo(digest(stored.planJson));
        assertThat(stored.planJson).contains("\"network\":\"egress\"", "\"destination\":\"198.51.100.10\"");
        assertThat(start.get("securityDigest")).as("the start event seals what the engine found in force").isEqualTo(digest(stored.securityJson));
        assertThat(stored.securityJson).contains("\"network\":\"egress\"", "\"pinned\":{\"allowed.lab.test\":[\"198.51.100.10\"]}");
    }

    @Test
    void aCarelessTenantListStillReachesNeitherMetadataNorLoopbackNorTheUplink() throws Exception {
        String id = api().submit(TENANT, egressJob(EgressLab.probe(List.of("198.51.100.20:8080", "169.254.169.254:80", "127.0.0.1:8080",
                EgressLab.OWN_ADDRESS + ":8080")), null));
        JsonPath job = api().awaitFinal(TENANT, id);

        assertThat(job.getString("state")).as(job.prettify()).isEqualTo("SUCCEEDED");
        assertThat(job.getList("effectiveSecurity.egress.allowed")).contains(Map.of("destination", "0.0.0.0/0", "ports", "1-65535", "protocol", "tcp"));
        assertThat(stdout(id).lines()).as("an ordinary address is reached; the lab serves all four on its side")
                .containsExactly("198.51.100.20:8080 reached", "169.254.169.254:80 unreachable", "127.0.0.1:8080 unreachable",
                        EgressLab.OWN_ADDRESS + ":8080 unreachable");
    }

    @Test
    void throughTheHostsOwnNetworkTheJobNeverReachesThePlatformsPort() throws Exception {
        List<String> targets = new ArrayList<>(List.of("127.0.0.1:" + platformPort));
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (!address.isLinkLocalAddress() && !address.isLoopbackAddress() && address.getAddress().length == 4) {
                    targets.add(address.getHostAddress() + ":" + platformPort);
                }
            }
        }
        for (String target : targets) {
            assertThat(answersHttp(target)).as("the platform listens on every address (quarkus.http.host=0.0.0.0): " + target).isTrue();
        }
        LabEgressSettings.throughTheHost();

        StringBuilder script = new StringBuilder("echo the program ran; awk '$2 == \"00000000\"' /proc/net/route | wc -l; ");
        for (String target : targets) {
            int colon = target.lastIndexOf(':');
            script.append("if (printf 'GET /q/health/live HTTP/1.0\\r\\n\\r\\n'; sleep 1) | timeout 10 nc -w 3 ").append(target, 0, colon)
                    .append(' ').append(target.substring(colon + 1)).append(" 2>/dev/null | grep -q HTTP/1; then echo '").append(target)
                    .append(" answered'; else echo '").append(target).append(" unreachable'; fi; ");
        }
        String id = api().submit(TENANT, egressJob(script.toString(), null));
        JsonPath job = api().awaitFinal(TENANT, id);

        if (EgressLab.hostHasDefaultRoute()) {
            assertThat(job.getString("state")).as(job.prettify()).isEqualTo("SUCCEEDED");
            assertThat(stdout(id).lines().toList()).as("the job had a route out, so unreachable is the rules' doing")
                    .contains("1").containsAll(targets.stream().map(target -> target + " unreachable").toList());
        } else {
            assertThat(job.getString("reason")).as("a host without a route out has no uplink for pasta to copy").isEqualTo("EnforcementUnavailable");
            assertThat(stdout(id)).doesNotContain("the program ran");
        }
    }

    @Test
    void thisPreparedHostIsReadyWhileThePlatformOffersEgress() {
        given().get("/q/health/ready").then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("UP"));
    }

    @Test
    void aRefusedEgressRequestAnswers422WithTheRuleAndStoresNothing() {
        api();
        long before = jobCount();
        given().auth().oauth2(api().token(TENANT)).contentType(ContentType.JSON)
                .body(egressJob("true", List.of(Map.of("destination", "denied.lab.test", "ports", "8080"))))
                .post("/api/v1/jobs").then().statusCode(422).contentType("application/problem+json")
                .body("violations.rule", org.hamcrest.Matchers.contains("network.egress-policy"));
        given().auth().oauth2(api().token("noegressco")).contentType(ContentType.JSON).body(egressJob("true", null))
                .post("/api/v1/jobs").then().statusCode(422).contentType("application/problem+json")
                .body("violations.rule", org.hamcrest.Matchers.hasItem("network.policy"));

        assertThat(jobCount()).as("a refused job is not stored").isEqualTo(before);
    }

    private long jobCount() {
        return em.createQuery("select count(j) from Job j", Long.class).getSingleResult();
    }

    private static boolean answersHttp(String target) {
        int colon = target.lastIndexOf(':');
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1))), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /q/health/live HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readNBytes(8), StandardCharsets.US_ASCII).startsWith("HTTP/1");
        } catch (IOException e) {
            return false;
        }
    }

    private static String digest(String json) throws NoSuchAlgorithmException {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
    }
}
