package dev.berth.api.audit.review;

import dev.berth.api.audit.Checkpointer;
import dev.berth.api.audit.EventRows;
import dev.berth.api.audit.chain.AuditKeys;
import dev.berth.api.audit.chain.Checkpoint;
import dev.berth.api.audit.chain.ExportFormat;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Streams the log as NDJSON ({@link ExportFormat}). The head is signed first, and the export
 * stops exactly at that checkpoint, so every export of an intact log ends at a signed head and a
 * cut-off tail is always caught offline.
 */
@ApplicationScoped
public class AuditExport {

    private static final Logger LOG = Logger.getLogger(AuditExport.class);

    @Inject
    Checkpointer checkpointer;
    @Inject
    AuditKeys keys;

    public void write(OutputStream out) throws IOException {
        Optional<Checkpoint> signed = signHead();
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        try (Connection connection = checkpointer.snapshot()) {
            connection.setReadOnly(true);
            long end = signed.isPresent() ? signed.get().seq() : Checkpointer.head(connection).seq();
            writer.write(ExportFormat.header(keys.keyId(), Instant.now()));
            for (Checkpoint checkpoint : AuditVerification.checkpoints(connection)) {
                if (checkpoint.seq() <= end) {
                    writer.write(ExportFormat.checkpoint(checkpoint));
                }
            }
            try (PreparedStatement select = connection.prepareStatement("SELECT " + EventRows.COLUMNS
                    + " FROM audit_events WHERE seq <= ? ORDER BY seq")) {
                select.setLong(1, end);
                select.setFetchSize(2000);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        writer.write(ExportFormat.event(EventRows.event(rows), EventRows.hash(rows)));
                    }
                }
            }
            connection.rollback();
        } catch (SQLException e) {
            throw new IOException("the audit export broke off while reading the database: " + e.getMessage(), e);
        }
        writer.flush();
    }

    /**
     * A broken chain is not signed over; it is still exported in full so that auditors can see
     * where it breaks.
     */
    private Optional<Checkpoint> signHead() {
        try {
            return checkpointer.checkpointNow();
        } catch (IllegalStateException broken) {
            LOG.warnf("exporting an audit log that does not verify: %s", broken.getMessage());
            return Optional.empty();
        }
    }
}
