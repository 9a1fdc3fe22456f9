package dev.berth.api.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.PlatformProcess;
import dev.berth.engine.image.FileTrees;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Any engine replica runs any tenant image: an API-only replica (with the embedded registry)
 * takes the jobs, and two engine replicas on their own data directories, sharing only the
 * database, the registry and the registry token key, run them. The replica that claims a job
 * pinned to an image it lacks fetches that digest from the registry, once; the image is a
 * realistic one (python3, a Java runtime, perl and cpp from Debian's packages, over 100 MB compressed).
 *
 * <p>It also prints, from this one run, the figures docs/benchmarks.md quotes: skopeo copying the
 * image straight from the registry and tar unpacking it next to a replica's fetch of it (which
 * unpacks each layer while it downloads), and job starts cold and warm.
 */
class AnyReplicaRunsTenantImagesIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<PlatformProcess> started = new ArrayList<>();
    private EmbeddedPostgres postgres;
    private Path work;

    @AfterEach
    void stop() throws Exception {
        for (PlatformProcess platform : started) {
            if (platform.alive()) {
                platform.terminate(Duration.ofMinutes(2));
            }
        }
        if (postgres != null) {
            postgres.close();
        }
        // The image, the baseline's copy and tree and every replica's store: gigabytes a run must not leave behind.
        if (work != null) {
            FileTrees.remove(work);
        }
    }

    @Test
    void aReplicaLackingThePinnedDigestFetchesItOnceAndRunsTheJob() throws Exception {
        Path jar = Path.of(System.getProperty("berth.platform.jar", "target/quarkus-app/quarkus-run.jar"));
        assertThat(jar).as("the packaged platform (mvn package builds it)").isRegularFile();
        work = Files.createTempDirectory("berth-replicas");
        postgres = EmbeddedPostgres.builder().setDataDirectory(work.resolve("postgres")).setCleanDataDirectory(true).start();
        List<String> database = List.of("-Dquarkus.datasource.jdbc.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "-Dquarkus.datasource.username=postgres", "-Dquarkus.datasource.password=", "-Dberth.dispatch.poll-interval=200ms");
        Path apiDir = Files.createDirectories(work.resolve("api"));
        PlatformProcess api = launch(jar, apiDir, "api", concat(database, List.of("-Dberth.dispatch.max-concurrent=0")));
        String registry = Files.readString(apiDir.resolve("registry/address")).strip();
        List<String> engineOptions = concat(database, List.of("-Dberth.registry.host=" + registry, "-Dberth.registry.plain-http=true",
                "-Dberth.registry.token-key-dir=" + apiDir.resolve("keys")));
        String token = EmbeddedPlatformResource.token(apiDir, "acme-dev", List.of("acme"), "tenant-member");

        Path tarball = DebianRootfs.tarball(work.resolve("image"), DebianRootfs.TOOLBOX);
        RegistryClients.Result push = RegistryClients.skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "acme:" + token,
                "tarball:" + tarball, "docker://" + registry + "/acme/toolbox:1");
        assertThat(push.ok()).as(push.output()).isTrue();
        long imageBytes = Files.size(tarball);
        assertThat(imageBytes).as("a realistic image, over 100 MB compressed").isGreaterThan(100L << 20);

        // The baseline: what a client does by hand to get the same image ready to run, skopeo copy then tar -x.
        // Each timed part starts with nothing dirty left to write back from the one before (sync), the replicas' fetches too.
        sync();
        long copyStart = System.nanoTime();
        RegistryClients.Result straight = RegistryClients.skopeo("copy", "--src-tls-verify=false", "--src-creds", "acme:" + token,
                "docker://" + registry + "/acme/toolbox:1", "oci:" + work.resolve("straight") + ":1");
        long copyMillis = (System.nanoTime() - copyStart) / 1_000_000;
        assertThat(straight.ok()).as(straight.output()).isTrue();
        String layer = MAPPER.readTree(straightManifest(work.resolve("straight"))).path("layers").get(0).path("digest").asText();
        Path unpacked = Files.createDirectories(work.resolve("straight-rootfs"));
        sync();
        long tarStart = System.nanoTime();
        RegistryClients.Result untar = RegistryClients.run(List.of("tar", "-C", unpacked.toString(), "-xzf",
                work.resolve("straight/blobs/sha256/" + layer.substring("sha256:".length())).toString()));
        long tarMillis = (System.nanoTime() - tarStart) / 1_000_000;
        assertThat(untar.ok()).as(untar.output()).isTrue();

        PlatformProcess first = launch(jar, Files.createDirectories(work.resolve("engine-1")), "engine-1", engineOptions);
        sync();
        JsonNode cold = run(api, token);
        JsonNode warm = run(api, token);
        first.terminate(Duration.ofMinutes(2));
        PlatformProcess second = launch(jar, Files.createDirectories(work.resolve("engine-2")), "engine-2", engineOptions);
        sync();
        JsonNode otherReplica = run(api, token);

        assertThat(blobDownloads(apiDir, "acme/toolbox", layer)).as("the push's check aside, one download by skopeo and one per engine replica")
                .isEqualTo(3);
        List<long[]> fetches = fetchMillis(api, apiDir);
        assertThat(fetches).as("one fetch per replica, none for the warm start").hasSize(2);
        assertThat(second.alive()).isTrue();
        System.out.printf("tenant image acme/toolbox:1: %d MB compressed, one layer%n", imageBytes >> 20);
        System.out.printf("%-40s %12s %12s %12s %10s%n", "", "copy ms", "unpack ms", "", "total ms");
        System.out.printf("%-40s %12d %12d %12s %10d%n", "skopeo copy + tar -xzf (baseline)", copyMillis, tarMillis, "", copyMillis + tarMillis);
        System.out.printf("%-40s %12s %12s %12s %10s%n", "", "manifests ms", "layers ms", "", "total ms");
        for (int i = 0; i < fetches.size(); i++) {
            long[] fetch = fetches.get(i);
            long total = fetch[0] + fetch[1];
            System.out.printf("%-40s %12d %12d %12s %10d   ratio to the baseline %.2fx (layers to max(copy, unpack) %.2fx)%n",
                    "engine replica " + (i + 1) + " fetch by digest", fetch[0], fetch[1], "", total, total / (double) (copyMillis + tarMillis),
                    fetch[1] / (double) Math.max(copyMillis, tarMillis));
        }
        System.out.printf("job created -> started: cold on replica 1 %d ms, warm on replica 1 %d ms, cold on replica 2 %d ms%n",
                startMillis(cold), startMillis(warm), startMillis(otherReplica));
    }

    private JsonNode run(PlatformProcess api, String token) throws Exception {
        String body = MAPPER.writeValueAsString(Map.of("image", "toolbox:1", "command", List.of("python3", "-c", "print('ran', 6 * 7)")));
        HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
        String id = MAPPER.readTree(submitted.body()).path("id").asText();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (Instant.now().isBefore(deadline)) {
            JsonNode job = MAPPER.readTree(get(api, token, "/api/v1/jobs/" + id));
            String state = job.path("state").asText();
            if (state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("CANCELLED")) {
                assertThat(state).as(job.toString()).isEqualTo("SUCCEEDED");
                return job;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + id + " did not end within 5 minutes:\n" + api.tail());
    }

    /** The replicas' fetches (manifests ms, layers downloaded and unpacked ms) in the order they happened, as their audit events tell them. */
    private List<long[]> fetchMillis(PlatformProcess api, Path apiDir) throws Exception {
        String auditor = EmbeddedPlatformResource.token(apiDir, "auditor", List.of(), "auditor");
        Pattern phases = Pattern.compile("\\(manifests (\\d+) ms, layers downloaded and unpacked (\\d+) ms\\)");
        List<JsonNode> fetches = new ArrayList<>();
        for (JsonNode item : MAPPER.readTree(get(api, auditor, "/api/v1/audit?limit=500")).path("items")) {
            if (item.path("action").asText().equals("image.fetch")) {
                fetches.add(item);
            }
        }
        fetches.sort(Comparator.comparingLong(item -> item.path("seq").asLong()));
        List<long[]> result = new ArrayList<>();
        for (JsonNode fetch : fetches) {
            var matcher = phases.matcher(fetch.path("reason").asText());
            assertThat(matcher.find()).as(fetch.toString()).isTrue();
            result.add(new long[] {Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))});
        }
        return result;
    }

    private String get(PlatformProcess platform, String token, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(platform.uri(path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private PlatformProcess launch(Path jar, Path dataDir, String name, List<String> options) throws Exception {
        PlatformProcess platform = PlatformProcess.start(jar, dataDir, name, options);
        started.add(platform);
        platform.awaitReady(http, Duration.ofMinutes(3));
        return platform;
    }

    private static void sync() throws Exception {
        assertThat(RegistryClients.run(List.of("sync")).ok()).isTrue();
    }

    private static long startMillis(JsonNode job) {
        return Duration.between(Instant.parse(job.path("createdAt").asText()), Instant.parse(job.path("startedAt").asText())).toMillis();
    }

    private static long blobDownloads(Path apiDir, String repository, String digest) throws Exception {
        Pattern get = Pattern.compile("\"GET /v2/" + Pattern.quote(repository) + "/blobs/" + Pattern.quote(digest) + " HTTP");
        try (var lines = Files.lines(apiDir.resolve("registry/registry.log"))) {
            return lines.filter(line -> get.matcher(line).find()).count();
        }
    }

    private static String straightManifest(Path layout) throws Exception {
        String digest = MAPPER.readTree(layout.resolve("index.json").toFile()).path("manifests").get(0).path("digest").asText();
        return Files.readString(layout.resolve("blobs/sha256/" + digest.substring("sha256:".length())));
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
