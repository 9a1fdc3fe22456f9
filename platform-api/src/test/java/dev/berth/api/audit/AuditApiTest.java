package dev.berth.api.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.audit.chain.AuditEvent;
import dev.berth.api.audit.chain.AuditKeys;
import dev.berth.api.audit.chain.ChainHash;
import dev.berth.api.audit.chain.ExportFormat;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The audit API: who may read it, what requests leave behind, filtering and paging, and exports
 * that {@code berth audit verify} checks offline, catching each kind of tampering.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
@SuppressWarnings("unchecked")
class AuditApiTest {

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;
    @Inject
    AuditLog audit;

    private String token(String user, List<String> organizations, String... roles) {
        return EmbeddedPlatformResource.token(dataDir, user, organizations, roles);
    }

    private String auditor() {
        return token("audrey", List.of(), "auditor");
    }

    private JsonPath events(Map<String, ?> filters) {
        return given().auth().oauth2(auditor()).queryParams(filters).get("/api/v1/audit")
                .then().statusCode(200).extract().jsonPath();
    }

    /** Denials are written off the request thread; wait for them a little. */
    private List<Map<String, Object>> awaitEvents(Map<String, ?> filters, int atLeast) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        List<Map<String, Object>> items = List.of();
        while (Instant.now().isBefore(deadline)) {
            items = events(filters).getList("items");
            if (items.size() >= atLeast) {
                return items;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("expected " + atLeast + " event(s) for " + filters + ", found " + items);
    }

    /** Other tests leave events of the same action: this one is told apart by its user agent. */
    private Map<String, Object> awaitEvent(Map<String, ?> filters, String userAgent) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline)) {
            List<Map<String, Object>> items = events(filters).getList("items");
            for (Map<String, Object> item : items) {
                if (userAgent.equals(item.get("userAgent"))) {
                    return item;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no event for " + filters + " from user agent " + userAgent);
    }

    @Test
    void onlyAuditorsAndPlatformAdminsReadTheLog() {
        given().get("/api/v1/audit").then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(token("tom", List.of("acme"), "tenant-member")).get("/api/v1/audit/verify")
                .then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(token("tia", List.of("acme"), "tenant-admin")).get("/api/v1/audit/export").then().statusCode(403);
        given().auth().oauth2(auditor()).get("/api/v1/audit").then().statusCode(200);
        given().auth().oauth2(token("pat", List.of(), "platform-admin")).get("/api/v1/audit/verify")
                .then().statusCode(200).body("valid", equalTo(true));
    }

    @Test
    void refusedRequestsLeaveDenialEvents() throws Exception {
        given().header("User-Agent", "no-token-probe").get("/api/v1/audit/export").then().statusCode(401);
        given().auth().oauth2("not-a-token").get("/api/v1/audit").then().statusCode(401);
        given().auth().oauth2(token("mallory", List.of("acme"), "tenant-member")).get("/api/v1/audit").then().statusCode(403);
        given().auth().oauth2(token("two-orgs", List.of("acme", "globex"), "tenant-member")).contentType(ContentType.JSON)
                .body(Map.of("image", "busybox", "command", List.of("true"))).post("/api/v1/jobs").then().statusCode(403);
        given().auth().oauth2(token("rooty", List.of("acme"), "tenant-member")).contentType(ContentType.JSON)
                .body(Map.of("image", "busybox", "command", List.of("id"), "user", 0)).post("/api/v1/jobs").then().statusCode(422);

        Map<String, Object> missing = awaitEvent(Map.of("action", "authn.missing"), "no-token-probe");
        assertThat(missing).containsEntry("target", "GET /api/v1/audit/export").containsEntry("outcome", "denied");
        assertThat(awaitEvents(Map.of("action", "authn.fail"), 1).getFirst()).containsEntry("target", "GET /api/v1/audit");
        assertThat(awaitEvents(Map.of("actor", "mallory"), 1)).singleElement()
                .satisfies(event -> assertThat(event).containsEntry("action", "authz.deny").containsEntry("target", "GET /api/v1/audit"));
        assertThat(awaitEvents(Map.of("actor", "two-orgs"), 1)).singleElement()
                .satisfies(event -> assertThat(event).containsEntry("action", "authz.deny").containsEntry("target", "POST /api/v1/jobs"));
        Map<String, Object> policy = awaitEvents(Map.of("actor", "rooty"), 1).getFirst();
        assertThat(policy).containsEntry("action", "policy.deny").containsEntry("tenant", "acme");
        assertThat((List<Object>) policy.get("ruleIds")).contains("user.non-root");
    }

    @Test
    void aJobLeavesItsSubmitStartAndEndWithTheCallersDetails() throws Exception {
        String member = token("jo", List.of("auditco"), "tenant-member");
        String id = given().auth().oauth2(member).header("X-Request-Id", "req-audit-1").header("User-Agent", "audit-test/1")
                .contentType(ContentType.JSON).body(Map.of("image", "busybox", "command", List.of("true")))
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id");

        List<Map<String, Object>> events = awaitEvents(Map.of("tenant", "auditco"), 4);
        assertThat(events).extracting(event -> event.get("action"))
                .containsExactly("job.end", "job.start", "job.submit", "tenant.register");
        Map<String, Object> submit = events.get(2);
        assertThat(submit).containsEntry("target", "job/" + id).containsEntry("requestId", "req-audit-1")
                .containsEntry("userAgent", "audit-test/1").containsEntry("outcome", "success").containsKey("sourceAddress");
        assertThat((String) submit.get("securityDigest")).startsWith("sha256:");
        assertThat((Map<Object, Object>) submit.get("actor")).containsEntry("subject", "jo");
        assertThat((List<Object>) submit.get("ruleIds")).isNotEmpty();
        assertThat(events.get(3)).containsEntry("requestId", "req-audit-1");
        Map<String, Object> start = events.get(1);
        assertThat((Map<Object, Object>) start.get("actor")).containsEntry("subject", "berth-platform");
        assertThat((String) start.get("securityDigest")).startsWith("sha256:").isNotEqualTo(submit.get("securityDigest"));
        assertThat(events.getFirst()).containsEntry("reason", "SUCCEEDED");
    }

    @Test
    void filtersAndCursorsPageNewestFirst() {
        Instant before = Instant.now();
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String outcome = i % 2 == 0 ? "test.even" : "test.odd";
            seqs.add(QuarkusTransaction.requiringNew().call(() -> audit.record(AuditEntry.success(outcome, "pager", "thing"))));
        }
        Instant after = Instant.now();

        List<Long> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var query = given().auth().oauth2(auditor()).queryParam("tenant", "pager").queryParam("limit", 3);
            JsonPath page = (cursor == null ? query : query.queryParam("cursor", cursor)).get("/api/v1/audit")
                    .then().statusCode(200).extract().jsonPath();
            paged.addAll(page.getList("items.seq", Long.class));
            cursor = page.getString("next");
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(paged).containsExactlyElementsOf(seqs.reversed());

        assertThat(events(Map.of("tenant", "pager", "action", "test.odd")).getList("items.seq", Long.class))
                .containsExactly(seqs.get(5), seqs.get(3), seqs.get(1));
        assertThat(events(Map.of("tenant", "pager", "from", before.toString(), "to", after.toString())).getList("items")).hasSize(7);
        assertThat(events(Map.of("tenant", "pager", "to", before.toString())).getList("items")).isEmpty();
        assertThat(events(Map.of("tenant", "pager", "outcome", "denied")).getList("items")).isEmpty();

        given().auth().oauth2(auditor()).queryParam("from", "yesterday").get("/api/v1/audit")
                .then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(auditor()).queryParam("cursor", "garbage").get("/api/v1/audit").then().statusCode(400);
    }

    @Test
    void thePublishedKeyVerifiesTheExportOffline() throws Exception {
        for (int i = 0; i < 12; i++) {
            QuarkusTransaction.requiringNew().run(() -> audit.record(AuditEntry.success("test.export", "exporter", "thing")));
        }
        Path key = Files.createTempFile("audit", ".pub");
        key.toFile().deleteOnExit();
        String pem = given().auth().oauth2(auditor()).get("/api/v1/audit/public-key")
                .then().statusCode(200).header("Berth-Audit-Key-Id", AuditKeys.keyId(AuditKeys.readPublic(dataDir.resolve("keys/audit-signing.pub"))))
                .extract().asString();
        Files.writeString(key, pem);
        List<String> lines = given().auth().oauth2(auditor()).get("/api/v1/audit/export")
                .then().statusCode(200).contentType(ExportFormat.MEDIA_TYPE).extract().asString().lines().toList();
        JsonPath verify = given().auth().oauth2(auditor()).get("/api/v1/audit/verify").then().statusCode(200).extract().jsonPath();
        assertThat(verify.getBoolean("valid")).isTrue();
        assertThat(verify.getLong("lastCheckpoint.seq")).isEqualTo(lastSeq(lines));

        Verdict clean = verifyOffline(lines, key);
        assertThat(clean.exit).as(clean.output).isZero();
        assertThat(clean.output).contains("valid: " + lastSeq(lines) + " events checked");

        long last = lastSeq(lines);
        long k = last - 5;
        assertTampered(lines, key, k, all -> flipByteInAction(all, k));
        assertTampered(lines, key, k, all -> without(all, lineOf(all, k)));
        assertTampered(lines, key, k, all -> swapped(all, lineOf(all, k), lineOf(all, k + 1)));
        assertTampered(lines, key, k + 1, all -> withForgedAfter(all, k));
        assertTampered(lines, key, last - 2, all -> all.subList(0, all.size() - 3));
        assertTampered(lines, key, last, all -> withAlteredCheckpoint(all, last, AuditApiTest::otherHeadHash));
        assertTampered(lines, key, last, all -> withAlteredCheckpoint(all, last, line -> line.replace("\"time\":\"", "\"time\":\"1")));
    }

    private void assertTampered(List<String> lines, Path key, long firstBad, UnaryOperator<List<String>> tampering) throws Exception {
        Verdict verdict = verifyOffline(tampering.apply(new ArrayList<>(lines)), key);
        assertThat(verdict.exit).as(verdict.output).isEqualTo(1);
        assertThat(verdict.output).as(verdict.output).contains("INVALID: first bad sequence number " + firstBad + ":");
    }

    private record Verdict(int exit, String output) {
    }

    private Verdict verifyOffline(List<String> lines, Path key) throws Exception {
        Path file = Files.createTempFile("audit", ".ndjson");
        Files.write(file, lines);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exit = AuditCommand.run(Path.of("/nonexistent"), "verify", file.toString(), "--public-key", key.toString());
            return new Verdict(exit, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            Files.delete(file);
        }
    }

    private static int lineOf(List<String> lines, long seq) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("{\"type\":\"event\"") && JsonPath.from(lines.get(i)).getLong("seq") == seq) {
                return i;
            }
        }
        throw new AssertionError("no event " + seq + " in the export");
    }

    private static long lastSeq(List<String> lines) {
        return JsonPath.from(lines.getLast()).getLong("seq");
    }

    private static List<String> flipByteInAction(List<String> lines, long seq) {
        int i = lineOf(lines, seq);
        byte[] bytes = lines.get(i).getBytes(StandardCharsets.UTF_8);
        int at = lines.get(i).indexOf("\"action\":\"") + "\"action\":\"".length();
        bytes[at] ^= 0x01;
        lines.set(i, new String(bytes, StandardCharsets.UTF_8));
        return lines;
    }

    private static List<String> without(List<String> lines, int index) {
        lines.remove(index);
        return lines;
    }

    private static List<String> swapped(List<String> lines, int a, int b) {
        String first = lines.get(a);
        lines.set(a, lines.get(b));
        lines.set(b, first);
        return lines;
    }

    /** A careful forger: a new line after {@code seq} with a hash that fits its content and predecessor. */
    private static List<String> withForgedAfter(List<String> lines, long seq) {
        try {
            int i = lineOf(lines, seq);
            ObjectNode real = (ObjectNode) JsonMapper.builder().build().readTree(lines.get(i));
            byte[] previous = ChainHash.fromHex(real.get("hash").textValue());
            real.remove("type");
            real.remove("hash");
            AuditEvent template = AuditEvent.fromJson(real);
            AuditEvent forged = new AuditEvent(seq + 1, template.time(), new AuditEvent.Actor("mallory", null, List.of("platform-admin")),
                    "acme", "tenant.quota.update", "tenant/acme", "success", "quota raised", List.of(), null, null, null, null);
            lines.add(i + 1, ExportFormat.event(forged, ChainHash.next(previous, forged)).strip());
            return lines;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String otherHeadHash(String checkpoint) {
        int at = checkpoint.indexOf("\"hash\":\"") + "\"hash\":\"".length();
        return checkpoint.substring(0, at) + (checkpoint.charAt(at) == '0' ? '1' : '0') + checkpoint.substring(at + 1);
    }

    private static List<String> withAlteredCheckpoint(List<String> lines, long seq, UnaryOperator<String> change) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("{\"type\":\"checkpoint\"") && JsonPath.from(lines.get(i)).getLong("seq") == seq) {
                lines.set(i, change.apply(lines.get(i)));
                return lines;
            }
        }
        throw new AssertionError("no checkpoint at " + seq);
    }
}
