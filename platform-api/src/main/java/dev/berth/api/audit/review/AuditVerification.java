package dev.berth.api.audit.review;

import dev.berth.api.audit.Checkpointer;
import dev.berth.api.audit.EventRows;
import dev.berth.api.audit.chain.AuditKeys;
import dev.berth.api.audit.chain.ChainVerifier;
import dev.berth.api.audit.chain.Checkpoint;
import dev.berth.api.audit.chain.VerifyResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Re-checks the whole chain in the database against the signed checkpoints and the head row, in
 * one consistent snapshot while writers carry on.
 */
@ApplicationScoped
public class AuditVerification {

    @Inject
    Checkpointer checkpointer;
    @Inject
    AuditKeys keys;

    public VerifyResult verify() {
        try (Connection connection = checkpointer.snapshot()) {
            connection.setReadOnly(true);
            Checkpointer.Head head = Checkpointer.head(connection);
            ChainVerifier verifier = ChainVerifier.trusting(keys.publicKey(), checkpoints(connection));
            try (PreparedStatement select = connection.prepareStatement("SELECT " + EventRows.COLUMNS + " FROM audit_events ORDER BY seq")) {
                select.setFetchSize(2000);
                try (ResultSet rows = select.executeQuery()) {
                    boolean intact = true;
                    while (intact && rows.next()) {
                        intact = verifier.accept(EventRows.event(rows), EventRows.hash(rows));
                    }
                }
            }
            connection.rollback();
            return verifier.finish(head.seq());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the audit log to verify it: " + e.getMessage(), e);
        }
    }

    static List<Checkpoint> checkpoints(Connection connection) throws SQLException {
        List<Checkpoint> checkpoints = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT " + EventRows.CHECKPOINT_COLUMNS
                + " FROM audit_checkpoints ORDER BY seq");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                checkpoints.add(EventRows.checkpoint(rows));
            }
        }
        return checkpoints;
    }
}
