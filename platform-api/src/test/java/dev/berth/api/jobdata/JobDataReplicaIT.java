package dev.berth.api.jobdata;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.PlatformProcess;
import dev.berth.engine.image.FileTrees;
import dev.berth.api.embedded.EmbeddedDefaults;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Job data across replicas, on the packaged platform: an engine replica runs the jobs, an API-only
 * replica (berth.dispatch.max-concurrent=0) on the same PostgreSQL takes the uploads, submissions,
 * secrets and downloads. It proves that a 50 MB uploaded input becomes an artifact downloaded byte
 * for byte from the replica that never ran the job; that stdin round-trips; that hostile tars and
 * requests past a cap are refused with their rule and nothing stored; and that a secret a job
 * used occurs nowhere but in the job: not in a pg_dump, the platform's files and logs, the audit
 * export, any API answer, or the captured logs (masked there).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobDataReplicaIT {

    private static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
    private static final int INPUT_BYTES = 50_000_000;
    private static final String TENANT = "data-acme";
    private static final String SECRET = "hygiene-" + UUID.randomUUID();

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Every answer any replica gave during the run, searched for the secret at the end. */
    private final List<String> answers = new ArrayList<>();
    private Path root;
    private EmbeddedDefaults database;
    private PlatformProcess engine;
    private PlatformProcess api;

    @BeforeAll
    void startTwoReplicas() throws Exception {
        Path jar = Path.of(System.getProperty("berth.platform.jar", "target/quarkus-app/quarkus-run.jar"));
        assertThat(jar).as("the packaged platform (mvn package builds it)").isRegularFile();
        root = Files.createTempDirectory("berth-jobdata");
        database = EmbeddedDefaults.start(root.resolve("db"));
        Path secretsKey = root.resolve("secrets.key");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Files.write(secretsKey, key);
        Files.setPosixFilePermissions(secretsKey, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> db = database.properties();
        List<String> shared = List.of("-Dquarkus.datasource.jdbc.url=" + db.get("quarkus.datasource.jdbc.url"),
                "-Dquarkus.datasource.username=" + db.get("quarkus.datasource.username"),
                "-Dquarkus.datasource.password=" + db.get("quarkus.datasource.password"),
                "-Dberth.secrets.key-file=" + secretsKey, "-Dberth.dispatch.poll-interval=200ms");
        engine = PlatformProcess.start(jar, Files.createDirectories(root.resolve("engine")), "engine", shared);
        engine.awaitReady(http, Duration.ofMinutes(3));
        // One deployment: the API replica trusts the same token key and signs audit checkpoints with the same key.
        copyTree(root.resolve("engine/keys"), root.resolve("api/keys"));
        List<String> apiOnly = new ArrayList<>(shared);
        // No body limit is raised: the 50 MB upload streams under the upload cap alone.
        apiOnly.addAll(List.of("-Dberth.dispatch.max-concurrent=0", "-Dberth.engine.runtime=/nonexistent/crun"));
        api = PlatformProcess.start(jar, root.resolve("api"), "api", apiOnly);
        api.awaitReady(http, Duration.ofMinutes(3));
    }

    @AfterAll
    void stopEverything() throws Exception {
        for (PlatformProcess platform : new PlatformProcess[] {api, engine}) {
            if (platform != null && platform.alive()) {
                platform.terminate(Duration.ofSeconds(60));
            }
        }
        if (database != null) {
            database.close();
        }
        FileTrees.remove(root);
    }

    @Test
    void aFiftyMegabyteInputBecomesAnArtifactServedByAReplicaThatNeverRanTheJob() throws Exception {
        byte[] data = new byte[INPUT_BYTES];
        new SecureRandom().nextBytes(data);
        Path tar = root.resolve("input.tar");
        writeTar(tar, "data.bin", data);

        long uploadStart = System.nanoTime();
        JsonNode upload = json(send(api, "POST", "/api/v1/inputs", "application/x-tar", HttpRequest.BodyPublishers.ofFile(tar), 201));
        double uploadSeconds = (System.nanoTime() - uploadStart) / 1e9;
        assertThat(upload.path("unpackedBytes").asLong()).isEqualTo(INPUT_BYTES);
        send(api, "PUT", "/api/v1/secrets/api-key", "application/json", body(Map.of("value", SECRET)), 201);

        String script = "set -e; mkdir /tmp/out; sha256sum /tmp/in/data.bin | cut -d' ' -f1 > /tmp/out/input.sha256; cat /tmp/in/data.bin > /tmp/out/result.bin;"
                + " cat /dev/secrets/api-key; echo; echo \"$API_KEY\" >&2; [ \"$(cat /dev/secrets/api-key)\" = \"$API_KEY\" ] && echo same";
        Map<String, Object> request = Map.of("image", "busybox", "command", List.of("sh", "-c", script),
                "resources", Map.of("scratchMiB", 160, "memoryMiB", 512),
                "inputs", Map.of("path", "/tmp/in", "upload", upload.path("id").asText()),
                "artifacts", Map.of("paths", List.of("/tmp/out")),
                "secrets", List.of(Map.of("name", "api-key", "env", "API_KEY")));
        send(api, "POST", "/api/v1/jobs/dry-run", "application/json", body(request), 200);
        String id = json(send(api, "POST", "/api/v1/jobs", "application/json", body(request), 201)).path("id").asText();
        JsonNode job = awaitFinal(api, id);
        assertThat(job.path("state").asText()).as(job + "\n" + engine.tail()).isEqualTo("SUCCEEDED");
        assertThat(job.path("data").path("secrets").toString()).contains("api-key");

        JsonNode listing = json(send(api, "GET", "/api/v1/jobs/" + id + "/artifacts", null, null, 200));
        assertThat(listing.path("artifacts").findValuesAsText("name")).containsExactlyInAnyOrder("tmp/out/input.sha256", "tmp/out/result.bin");
        long downloadStart = System.nanoTime();
        HttpResponse<byte[]> download = http.send(request(api, "GET", "/api/v1/jobs/" + id + "/artifacts/tmp/out/result.bin", null, null),
                HttpResponse.BodyHandlers.ofByteArray());
        double downloadSeconds = (System.nanoTime() - downloadStart) / 1e9;
        assertThat(download.statusCode()).isEqualTo(200);
        System.out.printf("job data: 50 MB upload (checked and stored) %.1f s, job wall %.1f s, 50 MB artifact download from the API replica %.1f s%n",
                uploadSeconds, job.path("usage").path("wallSeconds").asDouble(), downloadSeconds);
        assertThat(download.body().length).isEqualTo(INPUT_BYTES);
        assertThat(Arrays.equals(download.body(), data)).as("the artifact downloads byte for byte").isTrue();
        String inputDigest = new String(http.send(request(api, "GET", "/api/v1/jobs/" + id + "/artifacts/tmp/out/input.sha256", null, null),
                HttpResponse.BodyHandlers.ofByteArray()).body(), StandardCharsets.UTF_8).strip();
        assertThat(inputDigest).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));

        // Logs stay on the replica that ran the job; the secret shows masked, the check inside the job passed.
        assertThat(send(engine, "GET", "/api/v1/jobs/" + id + "/logs?stream=stdout", null, null, 200)).isEqualTo("***\nsame\n");
        assertThat(send(engine, "GET", "/api/v1/jobs/" + id + "/logs?stream=stderr", null, null, 200)).isEqualTo("***\n");

        String audit = send(api, "GET", "/api/v1/audit/export", null, null, 200, auditorToken());
        assertThat(audit).contains("secret.use").contains("api-key version 1").contains("secret.put").contains("job.artifacts");
        assertSecretOnlyInTheJob();
    }

    @Test
    void stdinRoundTripsAndIsKeptByDigestOnly() throws Exception {
        String text = "stdin-" + UUID.randomUUID() + "\nsecond line\n";
        Map<String, Object> request = Map.of("image", "busybox", "command", List.of("cat"), "stdin", Map.of("text", text));
        String answer = send(api, "POST", "/api/v1/jobs", "application/json", body(request), 201);
        String id = json(answer).path("id").asText();
        JsonNode job = awaitFinal(api, id);

        assertThat(job.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(job.path("data").path("stdin").path("sha256").asText()).startsWith("sha256:");
        assertThat(send(engine, "GET", "/api/v1/jobs/" + id + "/logs", null, null, 200)).isEqualTo(text);
        assertThat(answer + job).doesNotContain(text.strip());
        try (Connection connection = connect(); Statement query = connection.createStatement();
             ResultSet row = query.executeQuery("SELECT request_json || plan_json FROM jobs WHERE id = '" + id + "'")) {
            row.next();
            assertThat(row.getString(1)).as("the job row names stdin by digest").doesNotContain(text.strip());
        }
    }

    @Test
    void aHostileTarIsRefusedWholeAndNothingIsStored() throws Exception {
        long[] before = storedCounts();
        Path tar = root.resolve("hostile.tar");
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
            put(out, new TarArchiveEntry("fine.txt"), "fine".getBytes(StandardCharsets.UTF_8));
            put(out, new TarArchiveEntry("../../etc/cron.d/evil", true), "x".getBytes(StandardCharsets.UTF_8));
        }

        JsonNode problem = json(send(api, "POST", "/api/v1/inputs", "application/x-tar", HttpRequest.BodyPublishers.ofFile(tar), 422));

        assertThat(problem.path("type").asText()).endsWith("/input-refused");
        assertThat(problem.path("detail").asText()).contains("../../etc/cron.d/evil").contains("climbs");
        assertThat(storedCounts()).as("uploads and stored blobs").containsExactly(before);
        assertThat(root.resolve("api/uploads")).isEmptyDirectory();
    }

    @Test
    void requestsPastACapOrNamingWhatIsNotTheirsAreRefusedWithTheirRule() throws Exception {
        assertRefused(Map.of("image", "busybox", "command", List.of("cat"), "stdin", Map.of("text", "x".repeat(1_100_000))), "stdin.size");
        assertRefused(Map.of("image", "busybox", "command", List.of("true"), "secrets", List.of(Map.of("name", "never-set"))), "secrets.unknown");
        assertRefused(Map.of("image", "busybox", "command", List.of("true"),
                "inputs", Map.of("path", "/tmp/in", "upload", UUID.randomUUID().toString())), "inputs.upload");
        assertRefused(Map.of("image", "busybox", "command", List.of("true"), "artifacts", Map.of("paths", List.of("/etc/passwd"))),
                "artifacts.path");
        assertRefused(Map.of("image", "busybox", "command", List.of("true"), "inputs", Map.of("path", "/etc",
                "files", List.of(Map.of("name", "a", "text", "b")))), "inputs.path");

        Path tar = root.resolve("twenty.tar");
        writeTar(tar, "big.bin", new byte[20 << 20]);
        String upload = json(send(api, "POST", "/api/v1/inputs", "application/x-tar", HttpRequest.BodyPublishers.ofFile(tar), 201))
                .path("id").asText();
        assertRefused(Map.of("image", "busybox", "command", List.of("true"), "resources", Map.of("scratchMiB", 16),
                "inputs", Map.of("path", "/tmp/in", "upload", upload)), "inputs.scratch");
        // Another tenant can neither use the upload nor see that it exists.
        HttpResponse<String> other = http.send(request(api, "POST", "/api/v1/jobs", "application/json", body(Map.of("image", "busybox",
                "command", List.of("true"), "inputs", Map.of("path", "/tmp/in", "upload", upload))), token("data-other")),
                HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(other.body()).contains("inputs.upload");
    }

    private void assertRefused(Map<String, Object> request, String rule) throws Exception {
        JsonNode problem = json(send(api, "POST", "/api/v1/jobs", "application/json", body(request), 422));
        assertThat(problem.path("violations").findValuesAsText("rule")).as(problem.toString()).contains(rule);
        assertThat(problem.path("violations").toString()).doesNotContain("x".repeat(100));
    }

    /** The secret's bytes, searched in the database's dump, every file both replicas keep, the audit export and every answer. */
    private void assertSecretOnlyInTheJob() throws Exception {
        Map<String, String> db = database.properties();
        URI jdbc = URI.create(db.get("quarkus.datasource.jdbc.url").substring("jdbc:".length()));
        Process dump = new ProcessBuilder("/usr/bin/pg_dump", "--host", jdbc.getHost(), "--port", Integer.toString(jdbc.getPort()),
                "--username", db.get("quarkus.datasource.username"), "--no-password", jdbc.getPath().substring(1)).start();
        String dumped = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(dump.waitFor()).as(new String(dump.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        assertThat(dumped).contains("tenant_secrets").contains("secret.use").doesNotContain(SECRET);

        byte[] needle = SECRET.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> holding = files.filter(Files::isRegularFile).filter(file -> contains(file, needle)).toList();
            assertThat(holding).as("files of both replicas (logs, job logs, database files, keys)").isEmpty();
        }
        try (Stream<Path> staged = Files.list(Path.of("/dev/shm"))) {
            assertThat(staged.filter(path -> path.getFileName().toString().endsWith("-secrets"))
                    .filter(path -> path.toFile().canRead()).filter(path -> path.toFile().list().length > 0)).isEmpty();
        }
        synchronized (answers) {
            assertThat(answers).as("every API answer of the run").noneMatch(answer -> answer.contains(SECRET));
        }
    }

    private static boolean contains(Path file, byte[] needle) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            outer:
            for (int i = 0; i + needle.length <= bytes.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (bytes[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        } catch (IOException unreadable) {
            return false;
        }
    }

    private long[] storedCounts() throws Exception {
        try (Connection connection = connect(); Statement query = connection.createStatement();
             ResultSet row = query.executeQuery("SELECT (SELECT count(*) FROM input_uploads), (SELECT count(*) FROM data_blobs)")) {
            row.next();
            return new long[] {row.getLong(1), row.getLong(2)};
        }
    }

    private Connection connect() throws Exception {
        Map<String, String> db = database.properties();
        return DriverManager.getConnection(db.get("quarkus.datasource.jdbc.url"), db.get("quarkus.datasource.username"),
                db.get("quarkus.datasource.password"));
    }

    private JsonNode awaitFinal(PlatformProcess platform, String id) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        JsonNode view = json(send(platform, "GET", "/api/v1/jobs/" + id, null, null, 200));
        while (!FINAL.contains(view.path("state").asText())) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("job " + id + " is still " + view.path("state").asText() + ":\n" + engine.tail());
            }
            Thread.sleep(200);
            view = json(send(platform, "GET", "/api/v1/jobs/" + id, null, null, 200));
        }
        return view;
    }

    private String send(PlatformProcess platform, String method, String path, String type, HttpRequest.BodyPublisher body, int status)
            throws Exception {
        return send(platform, method, path, type, body, status, token(TENANT));
    }

    private String send(PlatformProcess platform, String method, String path, String type, HttpRequest.BodyPublisher body, int status,
                        String token) throws Exception {
        HttpResponse<String> answer = http.send(request(platform, method, path, type, body, token), HttpResponse.BodyHandlers.ofString());
        synchronized (answers) {
            answers.add(answer.body());
        }
        assertThat(answer.statusCode()).as("%s %s: %s", method, path, answer.body()).isEqualTo(status);
        return answer.body();
    }

    private HttpRequest request(PlatformProcess platform, String method, String path, String type, HttpRequest.BodyPublisher body) {
        return request(platform, method, path, type, body, token(TENANT));
    }

    private static HttpRequest request(PlatformProcess platform, String method, String path, String type, HttpRequest.BodyPublisher body,
                                       String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(platform.uri(path)).timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + token);
        if (type != null) {
            builder.header("Content-Type", type);
        }
        return builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body).build();
    }

    private HttpRequest.BodyPublisher body(Object value) throws IOException {
        return HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(value));
    }

    private JsonNode json(String text) throws IOException {
        return mapper.readTree(text);
    }

    private String token(String tenant) {
        return EmbeddedPlatformResource.token(root.resolve("engine"), "user-of-" + tenant, List.of(tenant), "tenant-member");
    }

    private String auditorToken() {
        return EmbeddedPlatformResource.token(root.resolve("engine"), "auditor", List.of(), "auditor");
    }

    private static void writeTar(Path tar, String name, byte[] content) throws IOException {
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
            put(out, new TarArchiveEntry(name), content);
        }
    }

    private static void put(TarArchiveOutputStream out, TarArchiveEntry entry, byte[] content) throws IOException {
        entry.setSize(content.length);
        entry.setMode(0100644);
        out.putArchiveEntry(entry);
        out.write(content);
        out.closeArchiveEntry();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }
}
