package dev.berth.api.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.PlatformProcess;
import dev.berth.engine.image.FileTrees;
import dev.berth.engine.testing.CpuTimes;
import dev.berth.policy.PlatformCeilings;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The job service measured through HTTP against the packaged platform (./berth bench jobs, which
 * runs ./berth bench engine first and hands this its results for the side-by-side table):
 * <ol>
 *   <li>a warm-up until the platform's CPU per job stops falling;</li>
 *   <li>submit to SUCCEEDED of busybox {@code true}, sequentially, with the baseline bundle's CPU: median
 *       and p99; the client learns the end with long polls ({@code ?wait=30s}), so it takes no CPU from
 *       the platform;</li>
 *   <li>throughput of trivial jobs, 4 clients each submitting and waiting for its job, each job with a
 *       quarter of the host's CPU so that all four run; for both, the CPU a job took in the platform's
 *       JVM, in PostgreSQL, in this client and in the rest of the machine;</li>
 *   <li>{@code GET /jobs/{id}} of a finished job with wrk (16 connections, 10 s after 5 s unmeasured) next to
 *       {@code /q/health/live} of the same server with the same client;</li>
 *   <li>the table of those figures as ratios against bare crun and the engine measured in the same run;</li>
 *   <li>scale: claim (dispatch decision) time from the platform's own timer and list query time,
 *       with 1,000 and with 100,000 queued jobs (10 and 1,000 tenants at quota, so nothing drains).</li>
 * </ol>
 * The client shares the 2 cores with the platform, so requests per second are a lower bound.
 */
public final class JobsBenchmark {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern CLAIM_SUM = Pattern.compile("(?m)^berth_dispatch_claim_seconds_sum (\\S+)");
    private static final Pattern CLAIM_COUNT = Pattern.compile("(?m)^berth_dispatch_claim_seconds_count (\\S+)");
    private static final Pattern WRK_RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");

    /**
     * One job at a time runs with the platform's default CPU, which is what the bare crun baseline's
     * bundle has (the engine bench plans busybox true with the defaults): a job with less would be
     * held by its own CPU quota (the container's set-up is charged to it) and be compared unfairly.
     */
    private static final int SEQUENTIAL_CPU_MILLIS = PlatformCeilings.defaults().defaultCpuMillis();
    /** Four clients' jobs at once fit the host's capacity (1,000 millis a core) and so all run, as the engine's raw four do. */
    private static final int PARALLEL_CPU_MILLIS = Runtime.getRuntime().availableProcessors() * 1000 / 4;

    private final HttpClient http = HttpClient.newHttpClient();
    private final PlatformProcess platform;
    private final Path dataDir;
    private final String token;

    private JobsBenchmark(PlatformProcess platform, Path dataDir) {
        this.platform = platform;
        this.dataDir = dataDir;
        this.token = token("bench");
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Path jar = Path.of(args.length > 1 ? args[1] : "platform-api/target/quarkus-app/quarkus-run.jar");
        Properties engine = new Properties();
        if (args.length > 2) {
            try (var in = Files.newBufferedReader(Path.of(args[2]))) {
                engine.load(in);
            }
        }
        Path dataDir = Files.createTempDirectory("berth-bench-jobs");
        List<String> options = new ArrayList<>(List.of("-Dberth.dispatch.poll-interval=500ms"));
        // A flight recording of the platform for profiling the path, e.g. BERTH_BENCH_JFR=/tmp/jobs.jfr ./berth bench jobs.
        Optional.ofNullable(System.getenv("BERTH_BENCH_JFR"))
                .ifPresent(file -> options.add("-XX:StartFlightRecording=settings=profile,filename=" + file));
        PlatformProcess platform = PlatformProcess.start(jar, dataDir, "bench", options);
        try {
            platform.awaitReady(HttpClient.newHttpClient(), Duration.ofMinutes(3));
            new JobsBenchmark(platform, dataDir).measure(runs, engine);
        } finally {
            platform.terminate(Duration.ofMinutes(2));
            FileTrees.remove(dataDir);
        }
    }

    private void measure(int runs, Properties engine) throws Exception {
        warmUp();
        List<Double> latencies = new ArrayList<>();
        List<JobRun> sequential = new ArrayList<>();
        long walSyncsBefore;
        try (Connection db = database()) {
            walSyncsBefore = walSyncs(db);
        }
        CpuShare sequentialCpu = cpuShare();
        for (int i = 0; i < runs; i++) {
            JobRun run = endToEndRun(SEQUENTIAL_CPU_MILLIS);
            sequential.add(run);
            latencies.add(run.millis());
        }
        sequentialCpu = cpuShare().since(sequentialCpu);
        try (Connection db = database()) {
            stages(db, sequential, walSyncs(db) - walSyncsBefore);
        }
        double median = percentile(latencies, 50);
        double p99 = percentile(latencies, 99);
        System.out.printf("submit -> SUCCEEDED of busybox true (%d CPU millis) over HTTP (long poll ?wait=30s), %d sequential: median %.1f ms, p99 %.1f ms%n",
                SEQUENTIAL_CPU_MILLIS, runs, median, p99);

        int jobs = Math.max(40, runs);
        CpuShare parallelCpu = cpuShare();
        double rate = parallel(jobs, () -> endToEndRun(PARALLEL_CPU_MILLIS).millis());
        parallelCpu = cpuShare().since(parallelCpu);
        System.out.printf("%d trivial jobs (%d CPU millis each), 4 clients each waiting for its job (long poll): %.1f jobs/s%n",
                jobs, PARALLEL_CPU_MILLIS, rate);
        sequentialCpu.print("sequential jobs", runs);
        parallelCpu.print("trivial jobs, 4 clients", jobs);
        System.out.printf("the engine's raw run of 4 at once: %.1f ms of machine CPU a container%n", value(engine, "engine.parallel.cpu.ms"));

        String id = submit(token, "true", 100);
        get("/api/v1/jobs/" + id + "?wait=30s", token);
        double jobGets = wrk("/api/v1/jobs/" + id, token);
        double healthGets = wrk("/q/health/live", null);
        System.out.printf("wrk, 2 threads, 16 connections, 10 s after 5 s unmeasured: GET /jobs/{id} of a finished job %.0f requests/s, GET /q/health/live %.0f requests/s%n",
                jobGets, healthGets);

        if (!engine.isEmpty()) {
            double crun = value(engine, "crun.bpf.median.ms");
            double crunP99 = value(engine, "crun.bpf.p99.ms");
            double engineStart = value(engine, "engine.median.ms");
            double raw = value(engine, "engine.parallel.per.s");
            System.out.println();
            System.out.println("| measure | Berth | baseline (same run) | ratio | goal |");
            System.out.println("|---|---|---|---|---|");
            System.out.printf("| submit -> SUCCEEDED over HTTP / bare `crun run` (userns + limits, precompiled seccomp), median | %.1f ms | %.1f ms | %.2fx | <= 2.0x |%n",
                    median, crun, median / crun);
            System.out.printf("| the same, p99 | %.1f ms | %.1f ms | %.2fx | reported |%n", p99, crunP99, p99 / crunP99);
            System.out.printf("| `GET /api/v1/jobs/{id}` (finished, authenticated), wrk 16 connections / `/q/health/live` | %.0f/s | %.0f/s | %.2f | >= 5,000/s and >= 0.5 |%n",
                    jobGets, healthGets, jobGets / healthGets);
            System.out.printf("| trivial jobs end to end, 4 clients / the engine's raw containers/s | %.1f/s | %.1f/s | %.2f | >= 0.8 |%n",
                    rate, raw, rate / raw);
            System.out.printf("| engine start / bare crun, same precompiled profile, median | %.1f ms | %.1f ms | %.2fx | <= 1.2x |%n",
                    engineStart, crun, engineStart / crun);
            System.out.println();
        }

        try (Connection db = database()) {
            scale(db, 10, 100);
            scale(db, 1000, 100);
        }
    }

    /**
     * Warms the platform as a long-running one is: on two cores a fresh JVM's JIT goes on compiling
     * for many jobs (thirty were not enough), and that CPU would be charged to the measured jobs.
     * Rounds of 40 jobs from 4 clients run until the platform's CPU per job stops falling (at least
     * 5 rounds, then until a round is within 5% of the one before; at most 15), then 30 sequential
     * jobs warm that path.
     */
    private void warmUp() throws Exception {
        double previous = Double.MAX_VALUE;
        for (int round = 1; round <= 15; round++) {
            CpuShare before = cpuShare();
            parallel(40, () -> endToEndRun(PARALLEL_CPU_MILLIS).millis());
            double perJob = cpuShare().since(before).platform() / 40;
            System.out.printf("warm-up round %d: platform JVM %.1f ms of CPU a job%n", round, perJob);
            if (round >= 5 && perJob > previous * 0.95) {
                break;
            }
            previous = perJob;
        }
        for (int i = 0; i < 30; i++) {
            endToEnd();
        }
    }

    private double endToEnd() throws Exception {
        return endToEndRun(SEQUENTIAL_CPU_MILLIS).millis();
    }

    /** One job's way through the platform, as the client saw it: when it sent, when it was told accepted, when it learnt the end. */
    private record JobRun(String id, Instant sent, Instant accepted, Instant answered, double millis) {
    }

    /** Submits busybox true and waits for its end with long polls: the client sleeps while the platform works. */
    private JobRun endToEndRun(int cpuMillis) throws Exception {
        long start = System.nanoTime();
        Instant sent = Instant.now();
        String id = submit(token, "true", cpuMillis);
        Instant accepted = Instant.now();
        JsonNode job = get("/api/v1/jobs/" + id + "?wait=30s", token);
        while (!Set.of("SUCCEEDED", "FAILED", "CANCELLED").contains(job.path("state").asText())) {
            job = get("/api/v1/jobs/" + id + "?wait=30s", token);
        }
        if (!job.path("state").asText().equals("SUCCEEDED")) {
            throw new IllegalStateException("job " + id + " ended " + job.path("state").asText() + ": " + job.path("detail").asText());
        }
        return new JobRun(id, sent, accepted, Instant.now(), (System.nanoTime() - start) / 1e6);
    }

    /**
     * Where the sequential jobs' time went, stage by stage (medians): the client's clock and the
     * platform's recorded instants (jobs.created_at, job_attempts.claimed_at/started_at/finished_at,
     * all taken by the platform's Instant.now() on the same host clock), and the WAL flushes the
     * embedded server made per job (pg_stat_wal.wal_sync), each one an fsync'd commit or the WAL
     * writer's.
     */
    private static void stages(Connection db, List<JobRun> runs, long walSyncs) throws SQLException {
        String[] names = {
            "HTTP submit: request sent -> job row created (auth, admission, plan)",
            "submit: job row created -> 201 received (insert, audit, commit, answer)",
            "job row created -> claimed (submit commit, dispatcher wake-up, claim query)",
            "claimed -> started (claim commit, engine start to the start gate)",
            "started -> finished (program runs, engine reports the outcome)",
            "finished -> client learns the end (end record commit, waiter wake-up, GET read, answer)",
        };
        List<List<Double>> stages = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            stages.add(new ArrayList<>());
        }
        try (PreparedStatement query = db.prepareStatement("SELECT j.created_at, a.claimed_at, a.started_at, a.finished_at FROM jobs j "
                + "JOIN job_attempts a ON a.job_id = j.id AND a.attempt = 1 WHERE j.id = ?::uuid")) {
            for (JobRun run : runs) {
                query.setString(1, run.id());
                try (var row = query.executeQuery()) {
                    if (!row.next()) {
                        throw new IllegalStateException("job " + run.id() + " has no first attempt");
                    }
                    Instant[] at = {run.sent(), instant(row, 1), instant(row, 2), instant(row, 3), instant(row, 4), run.answered()};
                    stages.get(0).add(millisBetween(at[0], at[1]));
                    stages.get(1).add(millisBetween(at[1], run.accepted()));
                    for (int i = 1; i < at.length - 1; i++) {
                        stages.get(i + 1).add(millisBetween(at[i], at[i + 1]));
                    }
                }
            }
        }
        System.out.printf("%nwhere the %d sequential jobs' time went (median ms; the stages after the first two overlap the 201 answer):%n", runs.size());
        for (int i = 0; i < names.length; i++) {
            System.out.printf("| %s | %.1f ms |%n", names[i], percentile(stages.get(i), 50));
        }
        System.out.printf("WAL flushes (pg_stat_wal.wal_sync) per job: %.1f%n%n", (double) walSyncs / runs.size());
    }

    private static Instant instant(ResultSet row, int column) throws SQLException {
        Timestamp at = row.getTimestamp(column);
        if (at == null) {
            throw new IllegalStateException("an attempt of a finished job lacks column " + column);
        }
        return at.toInstant();
    }

    private static double millisBetween(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    private static long walSyncs(Connection db) throws SQLException {
        try (var result = db.createStatement().executeQuery("SELECT wal_sync FROM pg_stat_wal")) {
            result.next();
            return result.getLong(1);
        }
    }

    /** Requests per second over 10 s, after 5 s of the same load unmeasured (the JIT's share of a fresh route). */
    private double wrk(String path, String bearer) throws IOException, InterruptedException {
        wrk(path, bearer, "5s");
        return wrk(path, bearer, "10s");
    }

    /** Requests per second that wrk (Debian's, installed by the host setup) gets from the path in the given time. */
    private double wrk(String path, String bearer, String duration) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t2", "-c16", "-d" + duration, "--latency"));
        if (bearer != null) {
            command.addAll(List.of("-H", "Authorization: Bearer " + bearer));
        }
        command.add(platform.uri(path).toString());
        Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(wrk.getInputStream().readAllBytes());
        if (wrk.waitFor() != 0 || output.contains("Non-2xx")) {
            throw new IllegalStateException("wrk " + path + " failed:\n" + output);
        }
        Matcher matcher = WRK_RATE.matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("no requests/s in wrk's output:\n" + output);
        }
        return Double.parseDouble(matcher.group(1));
    }

    private static double value(Properties engine, String key) {
        return Double.parseDouble(engine.getProperty(key, "NaN"));
    }

    /** Queued jobs of tenants at a zero concurrency quota: the claim query sees them all and can take none. */
    private void scale(Connection db, int tenants, int jobsPerTenant) throws Exception {
        execute(db, "INSERT INTO tenants (id, range_slot, id_range_start, id_range_size, created_at) "
                + "SELECT 'scale-' || lpad(i::text, 4, '0'), 1000000 + i, 100000000000 + i::bigint * 65536, 65536, now() "
                + "FROM generate_series(1, ?) i ON CONFLICT DO NOTHING", tenants);
        execute(db, "INSERT INTO tenant_quotas (tenant, concurrent_jobs, cpu_millis, memory_mib, pids, log_bytes, jobs_per_hour, updated_at, updated_by) "
                + "SELECT id, 0, 0, 0, 0, 0, 0, now(), 'bench' FROM tenants WHERE id LIKE 'scale-%' ON CONFLICT DO NOTHING");
        execute(db, "INSERT INTO jobs (id, tenant, state, image, request_json, plan_json, attempts, created_at, cpu_millis, memory_mib, pids, labels, max_attempts) "
                + "SELECT gen_random_uuid(), 'scale-' || lpad((1 + i % ?)::text, 4, '0'), 'QUEUED', 'busybox', '{}', '{}', 0, "
                + "now() - i * interval '1 ms', 100, 64, 16, jsonb_build_object('n', (i % 10)::text), 1 "
                + "FROM generate_series(1, ?) i", tenants, tenants * jobsPerTenant - queued(db));
        execute(db, "INSERT INTO dispatch_turns (tenant, last_claimed_at) SELECT id, '-infinity' FROM tenants WHERE id LIKE 'scale-%' "
                + "ON CONFLICT DO NOTHING");
        execute(db, "ANALYZE");
        double[] before = claimTimer();
        Thread.sleep(6000);
        double[] after = claimTimer();
        double claims = after[1] - before[1];
        String lister = token("scale-0001");
        List<Double> list = new ArrayList<>();
        List<Double> filtered = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            list.add(timed(() -> get("/api/v1/jobs?limit=50", lister)));
            filtered.add(timed(() -> get("/api/v1/jobs?limit=50&state=QUEUED&label=n=3", lister)));
        }
        List<Double> latencies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            latencies.add(endToEnd());
        }
        System.out.printf("%,d queued jobs across %,d tenants at quota: claim (dispatch decision) mean %.2f ms over %.0f claims; "
                        + "GET /jobs?limit=50 median %.1f ms, with state and label filters %.1f ms; another tenant's true: median %.1f ms%n",
                queued(db), tenants, claims == 0 ? Double.NaN : (after[0] - before[0]) / claims * 1000, claims,
                percentile(list, 50), percentile(filtered, 50), percentile(latencies, 50));
    }

    private double[] claimTimer() throws IOException, InterruptedException {
        String metrics = http.send(HttpRequest.newBuilder(platform.uri("/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        return new double[] {value(CLAIM_SUM, metrics), value(CLAIM_COUNT, metrics)};
    }

    private static double value(Pattern pattern, String metrics) {
        Matcher matcher = pattern.matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    /** CPU used so far by the platform's JVM, its PostgreSQL, this client, and the whole machine. */
    private record CpuShare(double platform, double postgres, double client, double machine) {

        CpuShare since(CpuShare before) {
            return new CpuShare(platform - before.platform, postgres - before.postgres, client - before.client, machine - before.machine);
        }

        void print(String what, int jobs) {
            System.out.printf("CPU a job, %s: platform JVM %.1f ms, PostgreSQL %.1f ms, this client %.1f ms, the rest (crun, the "
                            + "containers, the kernel) %.1f ms; %.1f ms in all%n", what, platform / jobs, postgres / jobs, client / jobs,
                    (machine - platform - postgres - client) / jobs, machine / jobs);
        }
    }

    private CpuShare cpuShare() throws IOException {
        long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid")).getFirst().strip());
        return new CpuShare(CpuTimes.processMillis(platform.pid()), CpuTimes.processTreeMillis(postmaster),
                CpuTimes.processMillis(ProcessHandle.current().pid()), CpuTimes.machineBusyMillis());
    }

    private Connection database() throws IOException, SQLException {
        // The embedded server's port is the fourth line of its pid file.
        List<String> pid = Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid"));
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pid.get(3).strip() + "/postgres", "postgres", "");
    }

    private static long queued(Connection db) throws SQLException {
        try (var result = db.createStatement().executeQuery("SELECT count(*) FROM jobs WHERE state = 'QUEUED'")) {
            result.next();
            return result.getLong(1);
        }
    }

    private static void execute(Connection db, String sql, long... parameters) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setLong(i + 1, parameters[i]);
            }
            statement.execute();
        }
    }

    private double parallel(int jobs, Measured run) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(4);
        long start = System.nanoTime();
        List<Future<Double>> futures = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            futures.add(clients.submit(run::measure));
        }
        for (Future<Double> future : futures) {
            future.get();
        }
        clients.shutdown();
        return jobs / ((System.nanoTime() - start) / 1e9);
    }

    private interface Measured {
        double measure() throws Exception;
    }

    private interface Call {
        Object call() throws Exception;
    }

    private static double timed(Call call) throws Exception {
        long start = System.nanoTime();
        call.call();
        return (System.nanoTime() - start) / 1e6;
    }

    private String token(String tenant) {
        return EmbeddedPlatformResource.token(dataDir, "bench", List.of(tenant), "tenant-member");
    }

    private String submit(String bearer, String command, int cpuMillis) throws IOException, InterruptedException {
        String body = MAPPER.writeValueAsString(Map.of("image", "busybox", "command", List.of(command), "resources", Map.of("cpuMillis", cpuMillis)));
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(platform.uri("/api/v1/jobs")).header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 201) {
            throw new IllegalStateException("submission answered " + answer.statusCode() + ": " + answer.body());
        }
        return MAPPER.readTree(answer.body()).path("id").asText();
    }

    private JsonNode get(String path, String bearer) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(platform.uri(path)).header("Authorization", "Bearer " + bearer).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return MAPPER.readTree(answer.body());
    }

    private static double percentile(List<Double> samples, double p) {
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p / 100 * sorted.size()) - 1));
    }
}
