package dev.berth.api.audit.review;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.api.audit.EventRows;
import dev.berth.api.audit.chain.AuditEvent;
import dev.berth.api.audit.chain.ChainHash;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Newest-first pages of events with keyset pagination on (occurred_at, seq), which the
 * {@code (tenant, occurred_at, seq)} and {@code (occurred_at, seq)} indexes serve without sorting.
 */
@ApplicationScoped
public class AuditSearch {

    @Inject
    AgroalDataSource dataSource;

    /** One page of events as JSON, each with its chain hash. */
    public record Page(List<ObjectNode> items, String next) {
    }

    public Page find(AuditQuery query) {
        StringBuilder sql = new StringBuilder("SELECT ").append(EventRows.COLUMNS).append(" FROM audit_events WHERE TRUE");
        List<Object> values = new ArrayList<>();
        condition(sql, values, " AND tenant = ?", query.tenant());
        condition(sql, values, " AND actor_subject = ?", query.actor());
        condition(sql, values, " AND action = ?", query.action());
        condition(sql, values, " AND outcome = ?", query.outcome());
        condition(sql, values, " AND occurred_at >= ?", query.from() == null ? null : EventRows.timestamp(query.from()));
        condition(sql, values, " AND occurred_at < ?", query.to() == null ? null : EventRows.timestamp(query.to()));
        if (query.after() != null) {
            sql.append(" AND (occurred_at, seq) < (?, ?)");
            values.add(EventRows.timestamp(query.after().time()));
            values.add(query.after().seq());
        }
        sql.append(" ORDER BY occurred_at DESC, seq DESC LIMIT ?");
        values.add(query.limit() + 1);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.size(); i++) {
                select.setObject(i + 1, values.get(i));
            }
            List<AuditEvent> events = new ArrayList<>();
            List<ObjectNode> items = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (events.size() < query.limit() && rows.next()) {
                    AuditEvent event = EventRows.event(rows);
                    ObjectNode item = event.toJson();
                    item.put("hash", ChainHash.hex(EventRows.hash(rows)));
                    events.add(event);
                    items.add(item);
                }
                // One row more than the page was asked for: there is a next page.
                boolean more = rows.next();
                AuditEvent last = more ? events.getLast() : null;
                return new Page(items, last == null ? null : new Cursor(last.time(), last.seq()).encode());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot search the audit log: " + e.getMessage(), e);
        }
    }

    private static void condition(StringBuilder sql, List<Object> values, String clause, Object value) {
        if (value != null) {
            sql.append(clause);
            values.add(value);
        }
    }
}
