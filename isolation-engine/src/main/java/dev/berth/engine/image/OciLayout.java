package dev.berth.engine.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.policy.ImageReference;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The content-addressed blob store: an OCI image layout directory ({@code oci-layout},
 * {@code index.json}, {@code blobs/sha256/<hex>}), so skopeo writes pulled and imported images
 * straight into it and reuses every blob it already holds. Every blob read back is checked
 * against its digest; a blob is never trusted because of its file name.
 */
public final class OciLayout {

    private static final String LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}";
    private static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final String INCOMING = ".incoming-";

    private final Path root;
    private final ObjectMapper mapper;

    private OciLayout(Path root, ObjectMapper mapper) {
        this.root = root;
        this.mapper = mapper;
    }

    /** Opens the layout at {@code root}, creating an empty one if there is none. */
    public static OciLayout open(Path root, ObjectMapper mapper) throws IOException {
        Path blobs = Files.createDirectories(root.resolve("blobs").resolve("sha256"));
        // A process killed while it wrote a blob leaves the temporary file; nobody else can finish it.
        try (Stream<Path> leftovers = Files.list(blobs)) {
            for (Path leftover : leftovers.filter(p -> p.getFileName().toString().startsWith(INCOMING)).toList()) {
                Files.deleteIfExists(leftover);
            }
        }
        if (!Files.exists(root.resolve("oci-layout"))) {
            Files.writeString(root.resolve("oci-layout"), LAYOUT);
        }
        if (!Files.exists(root.resolve("index.json"))) {
            Files.writeString(root.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[]}");
        }
        return new OciLayout(root, mapper);
    }

    public Path root() {
        return root;
    }

    public boolean has(String digest) {
        return Files.isRegularFile(path(digest));
    }

    public long size(String digest) throws IOException {
        return Files.size(path(digest));
    }

    /** Stores a blob, hashing it as it is written; at most {@code maxBytes} are accepted. */
    public Descriptor put(InputStream content, long maxBytes) throws IOException {
        Path temporary = temporaryBlob();
        MessageDigest sha256 = sha256();
        long size;
        try (OutputStream out = Files.newOutputStream(temporary)) {
            size = Streams.copyAtMost(new DigestInputStream(content, sha256), out, maxBytes);
            String digest = Digests.of(sha256.digest());
            Files.move(temporary, path(digest), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Descriptor(digest, size);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    public Descriptor put(byte[] content) throws IOException {
        return put(new ByteArrayInputStream(content), content.length);
    }

    private Path temporaryBlob() {
        return root.resolve("blobs").resolve("sha256").resolve(INCOMING + UUID.randomUUID());
    }

    /** A blob written as it streams past, which takes its place under {@code digest} only if kept. */
    Incoming incoming(String digest) throws IOException {
        Path temporary = temporaryBlob();
        return new Incoming(Files.newOutputStream(temporary), temporary, path(digest));
    }

    /** Until {@link #keep}, the blob is only a temporary file, removed on close. */
    static final class Incoming implements Closeable {

        private final OutputStream out;
        private final Path temporary;
        private final Path target;

        private Incoming(OutputStream out, Path temporary, Path target) {
            this.out = out;
            this.temporary = temporary;
            this.target = target;
        }

        OutputStream out() {
            return out;
        }

        /** Call only once the content was checked against the digest. */
        void keep() throws IOException {
            out.close();
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }

        @Override
        public void close() throws IOException {
            out.close();
            Files.deleteIfExists(temporary);
        }
    }

    /** A small blob (a manifest or a config) read whole and checked against its digest. */
    public byte[] read(String digest, long maxBytes) throws IOException {
        if (size(digest) > maxBytes) {
            throw new BlobCorruptException(digest, "is larger than the " + maxBytes + " bytes a manifest or config may take");
        }
        byte[] content = Files.readAllBytes(path(digest));
        String actual = Digests.of(sha256().digest(content));
        if (!actual.equals(digest)) {
            throw new BlobCorruptException(digest, "holds content with digest " + actual);
        }
        return content;
    }

    /** A blob as a stream that fails at its end unless the content matched the digest. */
    VerifyingInputStream open(String digest) throws IOException {
        return new VerifyingInputStream(Files.newInputStream(path(digest)), digest);
    }

    /** Whether the stored blob's content still has its digest. */
    public boolean matches(String digest) throws IOException {
        MessageDigest sha256 = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(path(digest)), sha256)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return Digests.of(sha256.digest()).equals(digest);
    }

    public Set<String> digests() throws IOException {
        Set<String> digests = new TreeSet<>();
        try (Stream<Path> blobs = Files.list(root.resolve("blobs").resolve("sha256"))) {
            blobs.map(blob -> "sha256:" + blob.getFileName()).filter(ImageReference::isDigest).forEach(digests::add);
        }
        return digests;
    }

    public Path path(String digest) {
        if (!ImageReference.isDigest(digest)) {
            throw new IllegalArgumentException("not a sha256 digest: " + digest);
        }
        return root.resolve("blobs").resolve("sha256").resolve(digest.substring("sha256:".length()));
    }

    public void delete(String digest) throws IOException {
        Files.deleteIfExists(path(digest));
    }

    /** The manifest digest that skopeo recorded under {@code refName} in index.json. */
    public Optional<String> manifestNamed(String refName) throws IOException {
        for (JsonNode entry : index().path("manifests")) {
            if (refName.equals(entry.path("annotations").path(REF_NAME).asText(null))) {
                return Optional.of(entry.path("digest").asText());
            }
        }
        return Optional.empty();
    }

    /**
     * Drops the index entries of transfers; the platform's catalog, not index.json, says which
     * images exist, so the index never grows with every pull.
     */
    public void clearIndex() throws IOException {
        ObjectNode index = index();
        index.set("manifests", mapper.createArrayNode());
        Path temporary = root.resolve("index.json.new");
        Files.write(temporary, mapper.writeValueAsBytes(index));
        Files.move(temporary, root.resolve("index.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private ObjectNode index() throws IOException {
        JsonNode index = mapper.readTree(root.resolve("index.json").toFile());
        if (!(index instanceof ObjectNode object) || !(index.path("manifests") instanceof ArrayNode)) {
            throw new IOException("the image store index " + root.resolve("index.json") + " is not an OCI index: delete it and pull again");
        }
        return object;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** A blob's digest and size, as an OCI descriptor names it. */
    public record Descriptor(String digest, long size) {
    }
}
