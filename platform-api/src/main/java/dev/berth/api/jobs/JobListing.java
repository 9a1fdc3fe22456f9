package dev.berth.api.jobs;

import dev.berth.api.json.JsonColumns;
import dev.berth.api.lifecycle.Job;
import dev.berth.api.lifecycle.JobState;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A tenant's jobs, newest first, filtered by state and labels. Pages continue from a cursor (the
 * last job's creation time and ID) rather than an offset, so a page costs the same however deep
 * it is and jobs submitted meanwhile neither repeat nor go missing.
 */
@ApplicationScoped
public class JobListing {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    @Inject
    EntityManager em;
    @Inject
    JsonColumns json;
    @Inject
    JobViews views;

    @Transactional
    public JobPage list(String tenant, List<String> states, List<String> labels, String cursor, Long limit) {
        long requested = limit == null ? DEFAULT_LIMIT : limit;
        if (requested < 1 || requested > MAX_LIMIT) {
            throw new ProblemException(ProblemType.INVALID_LIMIT, "limit must be between 1 and " + MAX_LIMIT + ", got " + requested);
        }
        int size = (int) requested;
        List<String> wanted = states.stream().map(JobListing::state).toList();
        Map<String, String> labelFilter = labels(labels);
        Cursor after = cursor == null || cursor.isBlank() ? null : Cursor.parse(cursor);

        StringBuilder sql = new StringBuilder("SELECT * FROM jobs WHERE tenant = :tenant");
        if (!wanted.isEmpty()) {
            sql.append(" AND state IN (:states)");
        }
        if (!labelFilter.isEmpty()) {
            sql.append(" AND labels @> CAST(:labels AS jsonb)");
        }
        if (after != null) {
            sql.append(" AND (created_at, id) < (:afterTime, :afterId)");
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
        Query query = em.createNativeQuery(sql.toString(), Job.class)
                .setParameter("tenant", tenant)
                .setParameter("limit", size + 1);
        if (!wanted.isEmpty()) {
            query.setParameter("states", wanted);
        }
        if (!labelFilter.isEmpty()) {
            query.setParameter("labels", json.write(labelFilter));
        }
        if (after != null) {
            query.setParameter("afterTime", after.createdAt()).setParameter("afterId", after.id());
        }
        @SuppressWarnings("unchecked")
        List<Job> rows = query.getResultList();
        List<Job> page = rows.subList(0, Math.min(size, rows.size()));
        String next = rows.size() > size ? new Cursor(page.getLast().createdAt, page.getLast().id).encode() : null;
        return new JobPage(page.stream().map(views::of).toList(), next);
    }

    private static String state(String value) {
        try {
            return JobState.valueOf(value.toUpperCase(Locale.ROOT)).name();
        } catch (IllegalArgumentException e) {
            throw new ProblemException(ProblemType.INVALID_STATE, "state must be one of " + List.of(JobState.values()) + ", got " + value);
        }
    }

    private static Map<String, String> labels(List<String> filters) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String filter : filters) {
            int equals = filter.indexOf('=');
            if (equals < 1) {
                throw new ProblemException(ProblemType.INVALID_LABEL_FILTER, "label filters are key=value, got " + filter);
            }
            labels.put(filter.substring(0, equals), filter.substring(equals + 1));
        }
        return labels;
    }

    /** Where a page ends: opaque to clients, base64url of "epochMicros:uuid". */
    record Cursor(Instant createdAt, UUID id) {

        String encode() {
            long micros = createdAt.getEpochSecond() * 1_000_000 + createdAt.getNano() / 1_000;
            return Base64.getUrlEncoder().withoutPadding().encodeToString((micros + ":" + id).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor parse(String text) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split(":", 2);
                long micros = Long.parseLong(parts[0]);
                return new Cursor(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1_000L),
                        UUID.fromString(parts[1]));
            } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
                throw new ProblemException(ProblemType.INVALID_CURSOR, "cursor is not one this API handed out; pass the 'next' value of the previous page");
            }
        }
    }
}
