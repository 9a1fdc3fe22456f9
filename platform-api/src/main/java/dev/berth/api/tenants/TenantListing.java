package dev.berth.api.tenants;

import dev.berth.api.lifecycle.JobState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** Every tenant with its usage, in one query so the list stays cheap with many tenants. */
@ApplicationScoped
public class TenantListing {

    private static final String QUERY = """
                SELECT t.id, COALESCE(i.display_name, t.id), i.organization_id, t.id_range_start, t.id_range_size, t.created_at,
                       COUNT(j.id), COUNT(j.id) FILTER (WHERE j.state IN (%s)),
                       COALESCE(SUM(j.cpu_seconds), 0), COALESCE(SUM(j.wall_seconds), 0)
                FROM tenants t
                LEFT JOIN tenant_identities i ON i.tenant = t.id
                LEFT JOIN jobs j ON j.tenant = t.id
                %s
                GROUP BY t.id, i.display_name, i.organization_id
                ORDER BY t.id""";

    @Inject
    EntityManager em;

    @Transactional
    public List<TenantSummary> all() {
        return summaries(em.createNativeQuery(query("")));
    }

    @Transactional
    public Optional<TenantSummary> one(String tenantId) {
        return summaries(em.createNativeQuery(query("WHERE t.id = :id")).setParameter("id", tenantId)).stream().findFirst();
    }

    private static String query(String where) {
        return QUERY.formatted(JobState.sql(JobState.OPEN), where);
    }

    @SuppressWarnings("unchecked")
    private static List<TenantSummary> summaries(Query query) {
        return ((List<Object[]>) query.getResultList()).stream().map(TenantListing::summary).toList();
    }

    private static TenantSummary summary(Object[] row) {
        return new TenantSummary((String) row[0], (String) row[1], (String) row[2],
                new TenantSummary.IdRangeView(number(row[3]).longValue(), number(row[4]).longValue()), instant(row[5]),
                new TenantSummary.Usage(number(row[6]).longValue(), number(row[7]).longValue(),
                        number(row[8]).doubleValue(), number(row[9]).doubleValue()));
    }

    private static Number number(Object value) {
        return (Number) value;
    }

    private static Instant instant(Object value) {
        return switch (value) {
            case Instant instant -> instant;
            case OffsetDateTime time -> time.toInstant();
            case Timestamp timestamp -> timestamp.toInstant();
            default -> throw new IllegalStateException("unexpected timestamp type " + value.getClass());
        };
    }
}
