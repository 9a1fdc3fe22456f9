package dev.berth.api.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import dev.berth.policy.JobRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code Idempotency-Key} of {@code POST /jobs}: for 24 hours a key names the job its first request
 * created. The same key with the same request answers that job again; with a different request it
 * is refused, because the client evidently meant something else by it.
 */
@ApplicationScoped
public class IdempotencyKeys {

    public static final Duration LIFETIME = Duration.ofHours(24);
    /** Printable ASCII without spaces, as UUIDs and the IETF draft's examples are. */
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
    /** Field order and map order must not make two equal requests look different. */
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    @Inject
    EntityManager em;

    /**
     * Reserves the key for the job about to be created, inside the caller's transaction; if the
     * transaction rolls back (the request is refused) the key stays free.
     *
     * @return empty if the key is now this job's, or the job an earlier request with the same key and body created
     */
    public Optional<UUID> reserve(String tenant, String key, JobRequest request, UUID newJob) {
        if (!KEY.matcher(key).matches()) {
            throw new ProblemException(ProblemType.INVALID_IDEMPOTENCY_KEY, "an Idempotency-Key is 1-255 printable ASCII characters without spaces, e.g. a UUID");
        }
        String fingerprint = fingerprint(request);
        Instant now = Instant.now();
        // Waits for a concurrent first use of the key to commit, then sees its row as a conflict.
        boolean reserved = !em.createNativeQuery("INSERT INTO idempotency_keys (tenant, key, request_sha256, job_id, created_at) "
                        + "VALUES (:tenant, :key, :sha, :job, :now) ON CONFLICT (tenant, key) DO UPDATE SET request_sha256 = EXCLUDED.request_sha256, "
                        + "job_id = EXCLUDED.job_id, created_at = EXCLUDED.created_at WHERE idempotency_keys.created_at < :expired RETURNING job_id")
                .setParameter("tenant", tenant)
                .setParameter("key", key)
                .setParameter("sha", fingerprint)
                .setParameter("job", newJob)
                .setParameter("now", now)
                .setParameter("expired", now.minus(LIFETIME))
                .getResultList().isEmpty();
        if (reserved) {
            return Optional.empty();
        }
        Object[] first = (Object[]) em.createNativeQuery("SELECT request_sha256, job_id FROM idempotency_keys WHERE tenant = :tenant AND key = :key")
                .setParameter("tenant", tenant)
                .setParameter("key", key)
                .getSingleResult();
        if (!fingerprint.equals(first[0])) {
            throw new ProblemException(ProblemType.IDEMPOTENCY_KEY_REUSED, "Idempotency-Key " + key + " was used within the last 24 h with a different request body: send the same body "
                            + "to get the job it created, or use a new key for a new job");
        }
        return Optional.of((UUID) first[1]);
    }

    /** Forgets keys older than their lifetime; returns how many. */
    @Transactional
    public int expire() {
        return em.createNativeQuery("DELETE FROM idempotency_keys WHERE created_at < :expired")
                .setParameter("expired", Instant.now().minus(LIFETIME))
                .executeUpdate();
    }

    static String fingerprint(JobRequest request) {
        try {
            byte[] canonical = CANONICAL.writeValueAsString(request).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint a job request", e);
        }
    }
}
