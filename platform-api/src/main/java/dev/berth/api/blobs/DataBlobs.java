package dev.berth.api.blobs;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * The one writer of data_blobs and their chunks: byte content of any size in PostgreSQL, written
 * and read 1 MiB at a time, so every replica serves it and none holds it whole.
 */
@ApplicationScoped
public class DataBlobs {

    static final int CHUNK_BYTES = 1024 * 1024;

    @Inject
    AgroalDataSource dataSource;

    /** A stored blob: its id, size and digest. */
    public record Blob(UUID id, long bytes, String sha256) {
    }

    /** Stores the stream in the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Blob write(String tenant, InputStream content) throws IOException {
        UUID id = UUID.randomUUID();
        MessageDigest sha256 = sha256();
        long bytes = 0;
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement blob = connection.prepareStatement(
                    "INSERT INTO data_blobs (id, tenant, bytes, sha256, created_at) VALUES (?, ?, 0, '', ?)")) {
                blob.setObject(1, id);
                blob.setString(2, tenant);
                blob.setObject(3, java.sql.Timestamp.from(Instant.now()));
                blob.executeUpdate();
            }
            try (PreparedStatement chunk = connection.prepareStatement("INSERT INTO data_blob_chunks (blob_id, seq, data) VALUES (?, ?, ?)")) {
                int seq = 0;
                byte[] buffer;
                while ((buffer = content.readNBytes(CHUNK_BYTES)).length > 0) {
                    sha256.update(buffer);
                    bytes += buffer.length;
                    chunk.setObject(1, id);
                    chunk.setInt(2, seq++);
                    chunk.setBytes(3, buffer);
                    chunk.executeUpdate();
                }
            }
            String digest = "sha256:" + HexFormat.of().formatHex(sha256.digest());
            try (PreparedStatement done = connection.prepareStatement("UPDATE data_blobs SET bytes = ?, sha256 = ? WHERE id = ?")) {
                done.setLong(1, bytes);
                done.setString(2, digest);
                done.setObject(3, id);
                done.executeUpdate();
            }
            return new Blob(id, bytes, digest);
        } catch (SQLException e) {
            throw new IOException("cannot store " + bytes + " bytes in the database: " + e.getMessage(), e);
        }
    }

    /** The blob's content, read a chunk at a time (each chunk in a short transaction of its own). */
    public InputStream open(UUID id) {
        return new InputStream() {
            private int seq;
            private byte[] chunk = new byte[0];
            private int at;
            private boolean ended;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                while (at >= chunk.length) {
                    if (ended) {
                        return -1;
                    }
                    byte[] next = chunk(id, seq++);
                    if (next == null) {
                        ended = true;
                        return -1;
                    }
                    chunk = next;
                    at = 0;
                }
                int count = Math.min(length, chunk.length - at);
                System.arraycopy(chunk, at, buffer, offset, count);
                at += count;
                return count;
            }
        };
    }

    private byte[] chunk(UUID id, int seq) throws IOException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT data FROM data_blob_chunks WHERE blob_id = ? AND seq = ?")) {
            query.setObject(1, id);
            query.setInt(2, seq);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? row.getBytes(1) : null;
            }
        } catch (SQLException e) {
            throw new IOException("cannot read stored data " + id + ": " + e.getMessage(), e);
        }
    }

    /** Removes blobs nothing refers to any more, in the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void delete(List<UUID> ids) {
        if (ids.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM data_blobs WHERE id = ANY (?)")) {
            delete.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new UncheckedIOException(new IOException("cannot delete stored data: " + e.getMessage(), e));
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
