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

/**
 * Streams the log as NDJSON ({@link ExportFormat}). The head is signed first, and the export
 * stops exactly at the latest checkpoint, so every export ends at a signed head and a cut-off
 * tail is always caught offline.
 */
@ApplicationScoped
public class AuditExport {

    @Inject
    Checkpointer checkpointer;
    @Inject
    AuditKeys keys;

    public void write(OutputStream out) throws IOException {
        Optional<Checkpoint> signed = checkpointer.checkpointNow();
        long end = signed.map(Checkpoint::seq).orElse(0L);
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        try (Connection connection = checkpointer.snapshot()) {
            connection.setReadOnly(true);
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
}
