package dev.berth.api.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.audit.chain.AuditEvent;
import dev.berth.api.audit.chain.ChainHash;
import dev.berth.api.audit.chain.Checkpoint;
import dev.berth.api.audit.chain.VerifyResult;
import dev.berth.api.audit.review.AuditVerification;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The log in PostgreSQL: written with the change it records, linear under concurrent writers,
 * append-only, and every kind of tampering by someone who switches the guard off is found.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class AuditDatabaseTest {

    @Inject
    AuditLog audit;
    @Inject
    AuditVerification verification;
    @Inject
    Checkpointer checkpointer;
    @Inject
    AgroalDataSource dataSource;

    private long write(String tenant, String action) {
        return QuarkusTransaction.requiringNew().call(() -> audit.record(AuditEntry.success(action, tenant, "test/" + action)));
    }

    /** Writes {@code count} events and signs a checkpoint after them; returns their sequence numbers. */
    private List<Long> writeSigned(String tenant, int count) {
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            seqs.add(write(tenant, "test.write." + i));
        }
        assertThat(checkpointer.checkpointNow()).map(Checkpoint::seq).contains(seqs.getLast());
        return seqs;
    }

    @Test
    void anEventCommitsWithItsChangeOrNotAtAll() throws SQLException {
        long before = head();
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            audit.record(AuditEntry.success("test.rolled-back", "acme", "test/1"));
            throw new IllegalStateException("the change fails");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(head()).isEqualTo(before);
        assertThat(count("action = 'test.rolled-back'")).isZero();

        assertThatThrownBy(() -> audit.record(AuditEntry.success("test.no-transaction", "acme", "test/2")))
                .hasStackTraceContaining("TransactionRequired");
        assertThat(verification.verify().valid()).isTrue();
    }

    @Test
    void concurrentWritersKeepOneGaplessChain() throws Exception {
        long before = head();
        int threads = 8;
        int each = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Callable<Void>> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String tenant = "concurrent-" + t;
            writers.add(() -> {
                for (int i = 0; i < each; i++) {
                    write(tenant, "test.concurrent");
                }
                return null;
            });
        }
        for (Future<Void> done : pool.invokeAll(writers)) {
            done.get();
        }
        pool.shutdown();

        assertThat(head()).isEqualTo(before + threads * each);
        assertThat(count("action = 'test.concurrent'")).isEqualTo(threads * each);
        assertThat(count("TRUE")).isEqualTo(head());
        VerifyResult result = verification.verify();
        assertThat(result.valid()).as(result.summary()).isTrue();
        assertThat(result.eventsChecked()).isEqualTo(head());
    }

    @Test
    void theDatabaseRefusesToChangeOrRemoveEvents() throws SQLException {
        long seq = write("acme", "test.guarded");
        checkpointer.checkpointNow();
        for (String sql : List.of("UPDATE audit_events SET action = 'x' WHERE seq = " + seq, "DELETE FROM audit_events WHERE seq = " + seq,
                "TRUNCATE audit_events", "UPDATE audit_checkpoints SET key_id = 'x'", "DELETE FROM audit_checkpoints")) {
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThatThrownBy(() -> statement.execute(sql)).as(sql).isInstanceOf(SQLException.class)
                        .hasMessageContaining("append-only");
            }
        }
        assertThat(verification.verify().valid()).isTrue();
    }

    @Test
    void theSignerCheckpointsEveryNEventsOnItsOwn() throws Exception {
        List<AuditEntry> thousand = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            thousand.add(AuditEntry.success("test.bulk", "bulk", "thing/" + i));
        }
        long last = QuarkusTransaction.requiringNew().call(() -> audit.recordAll(thousand, Provenance.PLATFORM));
        Instant deadline = Instant.now().plusSeconds(10);
        while (single("SELECT coalesce(max(seq), 0) FROM audit_checkpoints") < last && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(single("SELECT coalesce(max(seq), 0) FROM audit_checkpoints")).isGreaterThanOrEqualTo(last);
    }

    @Test
    void theSignerRefusesToVouchForABrokenChain() throws SQLException {
        List<Long> signed = writeSigned("tamper-unsigned", 2);
        long victim = write("tamper-unsigned", "test.after-checkpoint");
        whileTampered(() -> {
            assertThatThrownBy(() -> checkpointer.checkpointNow()).hasMessageContaining("broken at sequence number " + victim);
            try {
                assertThat(single("SELECT max(seq) FROM audit_checkpoints")).isEqualTo(signed.getLast());
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, "UPDATE audit_events SET outcome = 'failure' WHERE seq = " + victim);
    }

    @Test
    void aFlippedValueInARowIsFound() throws SQLException {
        List<Long> seqs = writeSigned("tamper-flip", 5);
        long victim = seqs.get(2);
        assertFirstBad(victim, "UPDATE audit_events SET tenant = 'tamper-flop' WHERE seq = " + victim);
    }

    @Test
    void aFlippedHashIsFound() throws SQLException {
        List<Long> seqs = writeSigned("tamper-hash", 5);
        long victim = seqs.get(1);
        assertFirstBad(victim, "UPDATE audit_events SET hash = set_byte(hash, 0, get_byte(hash, 0) # 1) WHERE seq = " + victim);
    }

    @Test
    void aDroppedRowIsFound() throws SQLException {
        List<Long> seqs = writeSigned("tamper-drop", 5);
        assertFirstBad(seqs.get(2), "DELETE FROM audit_events WHERE seq = " + seqs.get(2));
    }

    @Test
    void twoSwappedRowsAreFound() throws SQLException {
        List<Long> seqs = writeSigned("tamper-swap", 5);
        long a = seqs.get(1);
        long b = seqs.get(2);
        assertFirstBad(a, "UPDATE audit_events SET seq = 999999999 WHERE seq = " + a,
                "UPDATE audit_events SET seq = " + a + " WHERE seq = " + b,
                "UPDATE audit_events SET seq = " + b + " WHERE seq = 999999999");
    }

    @Test
    void aForgedRowWithARecomputedHashIsFoundAtTheNextEvent() throws SQLException {
        List<Long> seqs = writeSigned("tamper-forge", 5);
        long forged = seqs.get(2);
        // A careful forger knows the canonical form: the rewritten event carries a hash that fits its
        // own content and predecessor. Its successor's hash was computed over the real one, and fails.
        AuditEvent real = event(forged);
        AuditEvent fake = new AuditEvent(real.seq(), real.time(), new AuditEvent.Actor("mallory", null, List.of()), real.tenant(),
                real.action(), real.target(), real.outcome(), real.reason(), real.ruleIds(), real.requestId(),
                real.sourceAddress(), real.userAgent(), real.securityDigest());
        String hash = ChainHash.hex(ChainHash.next(storedHash(forged - 1), fake));
        assertFirstBad(forged + 1, "UPDATE audit_events SET actor_subject = 'mallory', actor_username = NULL, actor_roles = '{}',"
                + " hash = decode('" + hash + "', 'hex') WHERE seq = " + forged);
    }

    @Test
    void aForgedRowAppendedBehindTheHeadIsFound() throws SQLException {
        List<Long> seqs = writeSigned("tamper-append", 3);
        long next = seqs.getLast() + 1;
        assertFirstBad(next, "INSERT INTO audit_events SELECT " + next + ", occurred_at, actor_subject, actor_username, actor_roles, tenant,"
                + " 'tenant.delete', target, outcome, reason, rule_ids, request_id, source_address, user_agent, security_digest, hash"
                + " FROM audit_events WHERE seq = " + seqs.getLast());
    }

    @Test
    void aTruncatedTailIsCaughtAgainstTheCheckpoint() throws SQLException {
        List<Long> seqs = writeSigned("tamper-tail", 5);
        long keep = seqs.get(2);
        // The attacker also rewinds the head row, so only the signed checkpoint still knows the true end.
        assertFirstBad(keep + 1, "DELETE FROM audit_events WHERE seq > " + keep,
                "UPDATE audit_head SET seq = " + keep + ", hash = (SELECT hash FROM audit_events WHERE seq = " + keep + ")");
    }

    @Test
    void aForgedCheckpointIsFound() throws SQLException {
        List<Long> seqs = writeSigned("tamper-checkpoint", 3);
        long signed = seqs.getLast();
        assertFirstBad(signed, "UPDATE audit_checkpoints SET signature = set_byte(signature, 5, get_byte(signature, 5) # 1) WHERE seq = " + signed);
    }

    /** Tampers (see {@link #whileTampered}) and checks that verification names {@code expected}. */
    private void assertFirstBad(long expected, String... tampering) throws SQLException {
        whileTampered(() -> {
            VerifyResult result = verification.verify();
            assertThat(result.valid()).as(result.summary()).isFalse();
            assertThat(result.firstBadSeq()).as(result.summary()).isEqualTo(expected);
        }, tampering);
    }

    /**
     * Tampers as a superuser who switches the append-only triggers off for the session, runs the
     * check, then puts the original rows back and makes sure the log verifies again.
     */
    private void whileTampered(Runnable check, String... tampering) throws SQLException {
        VerifyResult before = verification.verify();
        assertThat(before.valid()).as(before.summary()).isTrue();
        try (Connection attacker = dataSource.getConnection(); Statement sql = attacker.createStatement()) {
            attacker.setAutoCommit(false);
            sql.execute("SET session_replication_role = replica");
            sql.execute("CREATE TEMP TABLE saved_events AS SELECT * FROM audit_events");
            sql.execute("CREATE TEMP TABLE saved_checkpoints AS SELECT * FROM audit_checkpoints");
            sql.execute("CREATE TEMP TABLE saved_head AS SELECT * FROM audit_head");
            for (String statement : tampering) {
                sql.execute(statement);
            }
            attacker.commit();
            try {
                check.run();
            } finally {
                sql.execute("DELETE FROM audit_events; INSERT INTO audit_events SELECT * FROM saved_events");
                sql.execute("DELETE FROM audit_checkpoints; INSERT INTO audit_checkpoints SELECT * FROM saved_checkpoints");
                sql.execute("DELETE FROM audit_head; INSERT INTO audit_head SELECT * FROM saved_head");
                sql.execute("DROP TABLE saved_events, saved_checkpoints, saved_head");
                sql.execute("RESET session_replication_role");
                attacker.commit();
            }
        }
        VerifyResult restored = verification.verify();
        assertThat(restored.valid()).as(restored.summary()).isTrue();
    }

    private AuditEvent event(long seq) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT " + EventRows.COLUMNS + " FROM audit_events WHERE seq = " + seq)) {
            row.next();
            return EventRows.event(row);
        }
    }

    private byte[] storedHash(long seq) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT hash FROM audit_events WHERE seq = " + seq)) {
            row.next();
            return row.getBytes(1);
        }
    }

    private long head() throws SQLException {
        return single("SELECT seq FROM audit_head");
    }

    private long count(String where) throws SQLException {
        return single("SELECT count(*) FROM audit_events WHERE " + where);
    }

    private long single(String query) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(query)) {
            row.next();
            return row.getLong(1);
        }
    }
}
