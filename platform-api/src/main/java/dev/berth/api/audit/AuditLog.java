package dev.berth.api.audit;

import dev.berth.api.audit.chain.AuditEvent;
import dev.berth.api.audit.chain.ChainHash;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The one way to write audit events. {@link #record} joins the caller's transaction, so the event
 * commits with the change it describes or not at all:
 *
 * <pre>{@code
 * @Inject AuditLog audit;
 *
 * @Transactional
 * public void setQuota(String tenant, Quota quota) {
 *     ... change the quota ...
 *     audit.record(AuditEntry.success("tenant.quota.update", tenant, "tenant/" + tenant));
 * }
 * }</pre>
 *
 * Each write locks the single head row until the transaction ends, so events get gapless
 * sequence numbers in commit order and the hash chain stays linear however many writers run.
 * Pending ORM changes are flushed first: their row locks are then always taken before the head
 * lock, so two transactions can never wait on each other across the two.
 */
@ApplicationScoped
public class AuditLog {

    @Inject
    AgroalDataSource dataSource;
    @Inject
    Provenances provenances;
    @Inject
    Checkpointer checkpointer;
    @Inject
    EntityManager em;

    /** Appends one event for the current request's caller (or the platform) in the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public long record(AuditEntry entry) {
        return append(List.of(entry), provenances.current());
    }

    /** Appends several events under one lock, e.g. one per job a restart failed. */
    @Transactional(Transactional.TxType.MANDATORY)
    public long recordAll(List<AuditEntry> entries, Provenance provenance) {
        return entries.isEmpty() ? 0 : append(entries, provenance);
    }

    /**
     * Appends an event in a transaction of its own: for denials, whose request rolls back and
     * changes nothing, but must still leave a trace.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public long recordApart(AuditEntry entry, Provenance provenance) {
        return append(List.of(entry), provenance);
    }

    private long append(List<AuditEntry> entries, Provenance provenance) {
        em.flush();
        try (Connection connection = dataSource.getConnection()) {
            long seq;
            byte[] previous;
            try (PreparedStatement head = connection.prepareStatement("SELECT seq, hash FROM audit_head FOR UPDATE");
                 ResultSet row = head.executeQuery()) {
                row.next();
                seq = row.getLong(1);
                previous = row.getBytes(2);
            }
            long first = seq + 1;
            // Taken under the lock, so times never run backwards against sequence numbers on one clock.
            Instant now = Instant.now();
            try (PreparedStatement insert = connection.prepareStatement(EventRows.INSERT)) {
                for (AuditEntry entry : entries) {
                    AuditEvent event = provenance.event(entry, ++seq, now);
                    previous = ChainHash.next(previous, event);
                    EventRows.bind(insert, connection, event, previous);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (PreparedStatement head = connection.prepareStatement("UPDATE audit_head SET seq = ?, hash = ?")) {
                head.setLong(1, seq);
                head.setBytes(2, previous);
                head.executeUpdate();
            }
            checkpointer.added(first, seq);
            return seq;
        } catch (SQLException e) {
            throw new IllegalStateException("the audit event could not be written, so the change is not made: " + e.getMessage(), e);
        }
    }
}
