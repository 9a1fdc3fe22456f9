package dev.berth.api.audit;

import dev.berth.api.audit.chain.AuditEvent;
import dev.berth.api.audit.chain.Checkpoint;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

/** Column mapping between {@link AuditEvent}s, {@link Checkpoint}s and their tables. */
public final class EventRows {

    public static final String COLUMNS = "seq, occurred_at, actor_subject, actor_username, actor_roles, tenant, action, target, "
            + "outcome, reason, rule_ids, request_id, source_address, user_agent, security_digest, hash";
    static final String INSERT = "INSERT INTO audit_events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    public static final String CHECKPOINT_COLUMNS = "seq, hash, signed_at, key_id, signature";

    private EventRows() {
    }

    static void bind(PreparedStatement insert, Connection connection, AuditEvent event, byte[] hash) throws SQLException {
        insert.setLong(1, event.seq());
        insert.setObject(2, timestamp(event.time()));
        insert.setString(3, event.actor().subject());
        insert.setString(4, event.actor().username());
        insert.setArray(5, connection.createArrayOf("text", event.actor().roles().toArray()));
        insert.setString(6, event.tenant());
        insert.setString(7, event.action());
        insert.setString(8, event.target());
        insert.setString(9, event.outcome());
        insert.setString(10, event.reason());
        insert.setArray(11, connection.createArrayOf("text", event.ruleIds().toArray()));
        insert.setString(12, event.requestId());
        insert.setString(13, event.sourceAddress());
        insert.setString(14, event.userAgent());
        insert.setString(15, event.securityDigest());
        insert.setBytes(16, hash);
    }

    /** Reads a row selected with {@link #COLUMNS}. */
    public static AuditEvent event(ResultSet row) throws SQLException {
        return new AuditEvent(row.getLong(1), instant(row, 2),
                new AuditEvent.Actor(row.getString(3), row.getString(4), strings(row.getArray(5))),
                row.getString(6), row.getString(7), row.getString(8), row.getString(9), row.getString(10),
                strings(row.getArray(11)), row.getString(12), row.getString(13), row.getString(14), row.getString(15));
    }

    public static byte[] hash(ResultSet row) throws SQLException {
        return row.getBytes(16);
    }

    public static Checkpoint checkpoint(ResultSet row) throws SQLException {
        return new Checkpoint(row.getLong(1), row.getBytes(2), instant(row, 3), row.getString(4), row.getBytes(5));
    }

    static void bind(PreparedStatement insert, Checkpoint checkpoint) throws SQLException {
        insert.setLong(1, checkpoint.seq());
        insert.setBytes(2, checkpoint.hash());
        insert.setObject(3, timestamp(checkpoint.time()));
        insert.setString(4, checkpoint.keyId());
        insert.setBytes(5, checkpoint.signature());
    }

    public static OffsetDateTime timestamp(Instant time) {
        return OffsetDateTime.ofInstant(time, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet row, int column) throws SQLException {
        return row.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
    }
}
