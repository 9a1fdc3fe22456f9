package dev.berth.api.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

/** The canonical form is a published format: these bytes and this hash must never change by accident. */
class CanonicalFormTest {

    private static final AuditEvent EVENT = new AuditEvent(7, Instant.parse("2026-11-22T16:00:52.123456789Z"),
            new AuditEvent.Actor("u-1", "alice", List.of("tenant-member", "auditor")), "acme", "job.submit", "job/42",
            "success", null, List.of("user.non-root", "caps.none"), "req-1", "10.0.0.1", "curl/8 \"quoted\"\n", "sha256:ab");

    @Test
    void membersAreSortedNullsLeftOutTimesInMicrosecondsRolesSorted() {
        assertThat(new String(Canonical.bytes(EVENT), StandardCharsets.UTF_8)).isEqualTo(
                "{\"action\":\"job.submit\",\"actor\":{\"roles\":[\"auditor\",\"tenant-member\"],\"subject\":\"u-1\",\"username\":\"alice\"},"
                        + "\"outcome\":\"success\",\"requestId\":\"req-1\",\"ruleIds\":[\"user.non-root\",\"caps.none\"],"
                        + "\"securityDigest\":\"sha256:ab\",\"seq\":7,\"sourceAddress\":\"10.0.0.1\",\"target\":\"job/42\","
                        + "\"tenant\":\"acme\",\"time\":\"2026-11-22T16:00:52.123456Z\",\"userAgent\":\"curl/8 \\\"quoted\\\"\\n\"}");
    }

    /** The member-by-member writer and the event's JSON form, sorted generically, are the same bytes. */
    @Test
    void theCanonicalBytesAreTheSortedJsonFormWithoutNulls() throws Exception {
        AuditEvent sparse = new AuditEvent(1, Instant.EPOCH, AuditEvent.Actor.PLATFORM, null, "job.end", null, "failure",
                "FAILED OOMKilled", List.of(), null, null, null, null);
        ObjectMapper sorted = JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
        for (AuditEvent event : List.of(EVENT, sparse)) {
            Object tree = sorted.readValue(sorted.writeValueAsString(event.toJson()), TreeMap.class);
            assertThat(new String(Canonical.bytes(event), StandardCharsets.UTF_8)).isEqualTo(sorted.writeValueAsString(tree));
        }
    }

    @Test
    void theChainHashCoversTheEventAndItsPredecessor() {
        byte[] first = ChainHash.next(ChainHash.genesis(), EVENT);
        var sha = ChainHash.sha256();
        sha.update(Canonical.bytes(EVENT));
        sha.update(new byte[32]);
        assertThat(first).isEqualTo(sha.digest());
        assertThat(ChainHash.next(first, EVENT)).isNotEqualTo(first);
    }

    @Test
    void anEventReadBackFromItsJsonHashesTheSame() {
        AuditEvent back = AuditEvent.fromJson(EVENT.toJson());
        assertThat(ChainHash.next(ChainHash.genesis(), back)).isEqualTo(ChainHash.next(ChainHash.genesis(), EVENT));
    }
}
