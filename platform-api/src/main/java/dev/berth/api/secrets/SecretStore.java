package dev.berth.api.secrets;

import dev.berth.api.sql.NativeRows;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The one writer of tenant_secrets: sealed values by tenant and name, each with its version. */
@ApplicationScoped
public class SecretStore {

    @Inject
    EntityManager em;

    /** A stored row: metadata and the sealed value. */
    record Row(String name, int version, Instant createdAt, Instant updatedAt, SecretCipher.Sealed sealed) {
        SecretView view() {
            return new SecretView(name, version, createdAt, updatedAt);
        }
    }

    @Transactional(Transactional.TxType.MANDATORY)
    Optional<Row> find(String tenant, String name) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT name, version, created_at, updated_at, key_id, nonce, ciphertext"
                        + " FROM tenant_secrets WHERE tenant = :tenant AND name = :name FOR UPDATE")
                .setParameter("tenant", tenant).setParameter("name", name).getResultList();
        return rows.stream().findFirst().map(SecretStore::row);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    List<SecretView> list(String tenant) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT name, version, created_at, updated_at, key_id, nonce, ciphertext"
                + " FROM tenant_secrets WHERE tenant = :tenant ORDER BY name").setParameter("tenant", tenant).getResultList();
        return rows.stream().map(SecretStore::row).map(Row::view).toList();
    }

    @Transactional(Transactional.TxType.MANDATORY)
    void put(String tenant, String name, int version, Instant createdAt, Instant now, SecretCipher.Sealed sealed) {
        em.createNativeQuery("""
                        INSERT INTO tenant_secrets (tenant, name, version, key_id, nonce, ciphertext, created_at, updated_at)
                        VALUES (:tenant, :name, :version, :keyId, :nonce, :ciphertext, :createdAt, :now)
                        ON CONFLICT (tenant, name) DO UPDATE SET version = EXCLUDED.version, key_id = EXCLUDED.key_id,
                            nonce = EXCLUDED.nonce, ciphertext = EXCLUDED.ciphertext, updated_at = EXCLUDED.updated_at
                        """)
                .setParameter("tenant", tenant).setParameter("name", name).setParameter("version", version)
                .setParameter("keyId", sealed.keyId()).setParameter("nonce", sealed.nonce()).setParameter("ciphertext", sealed.ciphertext())
                .setParameter("createdAt", createdAt).setParameter("now", now)
                .executeUpdate();
    }

    @Transactional(Transactional.TxType.MANDATORY)
    boolean delete(String tenant, String name) {
        return em.createNativeQuery("DELETE FROM tenant_secrets WHERE tenant = :tenant AND name = :name")
                .setParameter("tenant", tenant).setParameter("name", name).executeUpdate() > 0;
    }

    private static Row row(Object[] row) {
        return new Row((String) row[0], ((Number) row[1]).intValue(), NativeRows.instant(row[2]), NativeRows.instant(row[3]),
                new SecretCipher.Sealed((String) row[4], (byte[]) row[5], (byte[]) row[6]));
    }
}
