package dev.berth.api.audit;

import dev.berth.api.audit.chain.AuditKeys;
import dev.berth.api.audit.chain.ChainHash;
import dev.berth.api.audit.chain.ChainVerifier;
import dev.berth.api.audit.chain.Checkpoint;
import dev.berth.api.audit.chain.VerifyResult;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Signs the chain's head every {@code berth.audit.checkpoint-every} events or
 * {@code berth.audit.checkpoint-interval}, whichever comes first. Before signing it re-checks the
 * events since the previous checkpoint, so it never vouches for a chain someone broke in the
 * database; it refuses and logs instead.
 */
@ApplicationScoped
public class Checkpointer {

    private static final Logger LOG = Logger.getLogger(Checkpointer.class);

    @Inject
    AgroalDataSource dataSource;
    @Inject
    AuditKeys keys;
    @Inject
    AuditConfig config;

    private final Object wakeUp = new Object();
    private volatile boolean stopping;
    private Thread loop;

    void start(@Observes StartupEvent event) {
        loop = Thread.ofPlatform().name("berth-audit-checkpointer").daemon().start(this::run);
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        if (loop != null) {
            loop.interrupt();
        }
    }

    /** Told by writers which sequence numbers they just took; wakes the signer at every N-th event. */
    void added(long first, long last) {
        int every = config.checkpointEvery();
        if ((first - 1) / every != last / every) {
            synchronized (wakeUp) {
                wakeUp.notifyAll();
            }
        }
    }

    private void run() {
        Duration tick = config.checkpointInterval().compareTo(Duration.ofSeconds(1)) < 0 ? config.checkpointInterval() : Duration.ofSeconds(1);
        while (!stopping) {
            try {
                synchronized (wakeUp) {
                    wakeUp.wait(Math.max(1, tick.toMillis()));
                }
                signIfDue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.errorf(e, "audit checkpoint failed; retrying");
            }
        }
    }

    private synchronized void signIfDue() {
        try (Connection connection = snapshot()) {
            Head head = head(connection);
            Optional<Checkpoint> last = latest(connection);
            long signedSeq = last.map(Checkpoint::seq).orElse(0L);
            Instant signedAt = last.map(Checkpoint::time).orElse(Instant.EPOCH);
            boolean due = head.seq - signedSeq >= config.checkpointEvery()
                    || Duration.between(signedAt, Instant.now()).compareTo(config.checkpointInterval()) >= 0;
            if (head.seq > signedSeq && due) {
                sign(connection, head, last);
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the audit head: " + e.getMessage(), e);
        }
    }

    /**
     * Signs the current head unless a checkpoint already covers it, and returns the latest
     * checkpoint. Exports call it so every export ends at a signed head.
     */
    public synchronized Optional<Checkpoint> checkpointNow() {
        try (Connection connection = snapshot()) {
            Head head = head(connection);
            Optional<Checkpoint> last = latest(connection);
            Optional<Checkpoint> result = head.seq > last.map(Checkpoint::seq).orElse(0L) ? Optional.of(sign(connection, head, last)) : last;
            connection.commit();
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot sign an audit checkpoint: " + e.getMessage(), e);
        }
    }

    // Callers hold this object's lock: one signer per JVM, so two never race for the same head.
    private Checkpoint sign(Connection connection, Head head, Optional<Checkpoint> last) throws SQLException {
        VerifyResult segment = verifySince(connection, last, head);
        if (!segment.valid()) {
            LOG.errorf("NOT signing an audit checkpoint: %s. Inspect GET /api/v1/audit/verify", segment.summary());
            throw new IllegalStateException("the audit chain is broken at sequence number " + segment.firstBadSeq()
                    + " (" + segment.problem() + "); no checkpoint is signed over it");
        }
        Checkpoint checkpoint = keys.sign(head.seq, head.hash, Instant.now());
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_checkpoints (" + EventRows.CHECKPOINT_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?) ON CONFLICT (seq) DO NOTHING")) {
            EventRows.bind(insert, checkpoint);
            insert.executeUpdate();
        }
        return checkpoint;
    }

    private VerifyResult verifySince(Connection connection, Optional<Checkpoint> last, Head head) throws SQLException {
        ChainVerifier verifier = last.map(c -> ChainVerifier.resumingAfter(c.seq(), c.hash()))
                .orElseGet(() -> ChainVerifier.resumingAfter(0, ChainHash.genesis()));
        try (PreparedStatement select = connection.prepareStatement("SELECT " + EventRows.COLUMNS
                + " FROM audit_events WHERE seq > ? AND seq <= ? ORDER BY seq")) {
            select.setLong(1, last.map(Checkpoint::seq).orElse(0L));
            select.setLong(2, head.seq);
            select.setFetchSize(1000);
            try (ResultSet rows = select.executeQuery()) {
                boolean intact = true;
                while (intact && rows.next()) {
                    intact = verifier.accept(EventRows.event(rows), EventRows.hash(rows));
                }
            }
        }
        VerifyResult result = verifier.finish(head.seq);
        if (result.valid() && !Arrays.equals(verifier.lastHash(), head.hash)) {
            return new VerifyResult(false, result.eventsChecked(), head.seq, "the head row's hash differs from the last event's", null, 0);
        }
        return result;
    }

    /** A read-only-consistent view: head, checkpoints and events as of one moment. */
    public Connection snapshot() throws SQLException {
        Connection connection = dataSource.getConnection();
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        return connection;
    }

    public static Head head(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT seq, hash FROM audit_head");
             ResultSet row = select.executeQuery()) {
            row.next();
            return new Head(row.getLong(1), row.getBytes(2));
        }
    }

    private static Optional<Checkpoint> latest(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + EventRows.CHECKPOINT_COLUMNS
                + " FROM audit_checkpoints ORDER BY seq DESC LIMIT 1");
             ResultSet row = select.executeQuery()) {
            return row.next() ? Optional.of(EventRows.checkpoint(row)) : Optional.empty();
        }
    }

    /** The last sequence number and hash, as the writers' lock row records them. */
    public record Head(long seq, byte[] hash) {
    }

}
