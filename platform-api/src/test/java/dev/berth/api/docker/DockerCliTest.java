package dev.berth.api.docker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.EmbeddedPlatformResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's real docker client (20.10, Engine API 1.41; installed by host setup, no daemon) against
 * Berth's Docker API: containers are Berth jobs, output and exit codes come back, refusals carry
 * Berth's rule IDs, and tenants stay apart.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class DockerCliTest {

    static final Path DOCKER = Path.of("/usr/bin/docker");

    @TempDir
    Path temp;

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;
    @ConfigProperty(name = "quarkus.http.test-port")
    int port;
    @Inject
    EntityManager em;

    record Run(int exit, String stdout, String stderr) {
    }

    @BeforeEach
    void theDebianClientIsInstalled() throws Exception {
        assertThat(DOCKER).as("host setup installs docker.io; run ./berth test, which prepares the host").isExecutable();
        assertThat(docker(null, "version", "--format", "{{.Client.APIVersion}}").stdout().strip()).isEqualTo("1.41");
    }

    private String token(String tenant) {
        return EmbeddedPlatformResource.token(dataDir, "docker-user-of-" + tenant, List.of(tenant), "tenant-member");
    }

    /** Runs the docker CLI as a tenant would set it up: DOCKER_HOST at the platform, the token in config.json's HttpHeaders. */
    Run docker(String tenant, String... arguments) throws IOException, InterruptedException {
        Path config = Files.createTempDirectory(temp, "docker-config");
        if (tenant != null) {
            Files.writeString(config.resolve("config.json"), "{\"HttpHeaders\":{\"Authorization\":\"Bearer " + token(tenant) + "\"}}");
        }
        List<String> command = new ArrayList<>(List.of(DOCKER.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("DOCKER_HOST", "tcp://127.0.0.1:" + port + "/docker");
        builder.environment().put("DOCKER_CONFIG", config.toString());
        Path out = Files.createTempFile(temp, "docker-out", ".txt");
        Path err = Files.createTempFile(temp, "docker-err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("docker " + String.join(" ", arguments) + " did not finish in 120 s; stderr: " + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private long jobs(String tenant) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery("SELECT count(*) FROM jobs WHERE tenant = :t")
                .setParameter("t", tenant).getSingleResult()).longValue());
    }

    @Test
    void runRemovePrintsTheOutputAndTheJobStaysInBerth() throws Exception {
        long before = jobs("dock-a");
        Run run = docker("dock-a", "run", "--rm", "busybox", "echo", "hi");
        assertThat(run.exit()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("hi\n");
        assertThat(jobs("dock-a")).isEqualTo(before + 1);
        assertThat(docker("dock-a", "ps", "-a", "--format", "{{.Command}}").stdout()).doesNotContain("echo hi");
        JsonPath listed = given().auth().oauth2(token("dock-a")).get("/api/v1/jobs").then().statusCode(200).extract().jsonPath();
        assertThat(listed.getList("items.state")).contains("SUCCEEDED");
    }

    @Test
    void theExitCodeLogsInspectAndRemoveWork() throws Exception {
        Run run = docker("dock-a", "run", "--name", "three", "busybox", "sh", "-c", "echo out; echo err >&2; id -u; exit 3");
        assertThat(run.exit()).as(run.stderr()).isEqualTo(3);
        assertThat(run.stdout()).isEqualTo("out\n1000\n");
        assertThat(run.stderr()).isEqualTo("err\n");

        assertThat(docker("dock-a", "ps", "-a", "--format", "{{.Names}} {{.Status}}").stdout()).contains("three Exited (3)");
        assertThat(docker("dock-a", "ps", "--format", "{{.Names}}").stdout()).as("not running").doesNotContain("three");
        Run logs = docker("dock-a", "logs", "three");
        assertThat(logs.stdout()).isEqualTo("out\n1000\n");
        assertThat(logs.stderr()).isEqualTo("err\n");

        String job = docker("dock-a", "inspect", "--format", "{{.Berth.Job}}", "three").stdout().strip();
        JsonPath view = given().auth().oauth2(token("dock-a")).get("/api/v1/jobs/" + job).then().statusCode(200).extract().jsonPath();
        assertThat(view.getInt("exitCode")).isEqualTo(3);
        assertThat(view.getBoolean("effectiveSecurity.noNewPrivileges")).isTrue();
        assertThat(view.getList("effectiveSecurity.capabilities")).isEmpty();
        assertThat(docker("dock-a", "inspect", "--format", "{{.State.ExitCode}} {{.State.Status}}", "three").stdout().strip()).isEqualTo("3 exited");

        assertThat(docker("dock-a", "rm", "three").exit()).isZero();
        Run gone = docker("dock-a", "container", "inspect", "three");
        assertThat(gone.exit()).isNotZero();
        assertThat(gone.stderr()).contains("No such container: three");
    }

    @Test
    void aDetachedContainerIsKilledAndItsWaitSaysSo() throws Exception {
        Run started = docker("dock-a", "run", "-d", "busybox", "sleep", "60");
        assertThat(started.exit()).as(started.stderr()).isZero();
        String id = started.stdout().strip();
        assertThat(id).hasSize(64);
        assertThat(docker("dock-a", "kill", id.substring(0, 12)).exit()).isZero();
        Run waited = docker("dock-a", "wait", id);
        assertThat(waited.stdout().strip()).isEqualTo("137");
        assertThat(docker("dock-a", "rm", id).exit()).isZero();
    }

    @Test
    void hostAccessIsRefusedWithBerthsRuleIdsAndRunsNothing() throws Exception {
        Map<List<String>, String> refusals = Map.of(
                List.of("--privileged"), "docker.privileged",
                List.of("-v", "/:/host"), "docker.mount",
                List.of("--pid", "host"), "docker.namespace",
                List.of("--cap-add", "SYS_ADMIN"), "capabilities.ceiling",
                List.of("-u", "0"), "user.non-root",
                List.of("--network", "host"), "network.ceiling",
                List.of("--device", "/dev/null"), "docker.device",
                List.of("--security-opt", "seccomp=unconfined"), "docker.security-opt",
                List.of("--security-opt", "apparmor=unconfined"), "docker.security-opt",
                List.of("-t"), "docker.tty");
        long before = jobs("dock-a");
        for (Map.Entry<List<String>, String> refusal : refusals.entrySet()) {
            List<String> arguments = new ArrayList<>(List.of("run", "--rm"));
            arguments.addAll(refusal.getKey());
            arguments.addAll(List.of("busybox", "id"));
            Run run = docker("dock-a", arguments.toArray(String[]::new));
            assertThat(run.exit()).as("%s: %s", refusal.getKey(), run.stderr()).isEqualTo(125);
            assertThat(run.stderr()).as("%s", refusal.getKey()).contains("Berth refused this container").contains(refusal.getValue());
        }
        assertThat(jobs("dock-a")).isEqualTo(before);
        assertThat(docker("dock-a", "ps", "-a", "-q").stdout()).doesNotContain("id");
    }

    @Test
    void imagesAndPullAnswerFromTheCatalog() throws Exception {
        assertThat(docker("dock-a", "images", "--format", "{{.Repository}}:{{.Tag}}").stdout()).contains("busybox:latest");
        Run pull = docker("dock-a", "pull", "busybox");
        assertThat(pull.exit()).as(pull.stderr()).isZero();
        assertThat(pull.stdout()).contains("Image is up to date for busybox:latest");
        Run missing = docker("dock-a", "pull", "nosuch/image:1");
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.stderr()).contains("pull access denied for nosuch/image:1").contains("dock-a/<name>:<tag>");
    }

    @Test
    void anotherTenantsContainerIsMissing() throws Exception {
        Run created = docker("dock-a", "create", "--name", "private", "busybox", "true");
        assertThat(created.exit()).as(created.stderr()).isZero();
        String id = created.stdout().strip();
        for (String reference : List.of(id, id.substring(0, 12), "private")) {
            Run seen = docker("dock-b", "container", "inspect", reference);
            assertThat(seen.exit()).isNotZero();
            assertThat(seen.stderr()).contains("No such container: " + reference);
            assertThat(docker("dock-b", "rm", "-f", reference).stderr()).contains("No such container");
        }
        assertThat(docker("dock-b", "ps", "-a", "-q", "--no-trunc").stdout()).doesNotContain(id);
        assertThat(docker("dock-a", "ps", "-a", "-q", "--no-trunc").stdout()).contains(id);
        assertThat(docker("dock-a", "rm", "private").exit()).isZero();
    }

    @Test
    void aClientWithoutATokenIsToldHowToGetOne() throws Exception {
        Run run = docker(null, "ps");
        assertThat(run.exit()).isNotZero();
        assertThat(run.stderr()).contains("Berth needs a bearer token").contains("HttpHeaders");
    }
}
