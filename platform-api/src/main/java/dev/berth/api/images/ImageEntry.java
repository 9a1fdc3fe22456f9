package dev.berth.api.images;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One image of the catalog: a name and tag, where it came from, and its digest once ready. */
@Entity
@Table(name = "images")
public class ImageEntry {

    @Id
    public UUID id;
    public String name;
    public String tag;
    /** The registry reference pulled, or {@code oci-archive}, {@code rootfs-tar}, {@code built-in}. */
    public String source;
    @Enumerated(EnumType.STRING)
    public ImageState state;
    public String digest;
    @Column(name = "source_digest")
    public String sourceDigest;
    @Column(name = "size_bytes")
    public Long sizeBytes;
    public Integer layers;
    public String phase;
    @Column(name = "layers_cached")
    public Integer layersCached;
    @Column(name = "layers_copied")
    public Integer layersCopied;
    @Column(name = "bytes_total")
    public Long bytesTotal;
    @Column(name = "bytes_to_transfer")
    public Long bytesToTransfer;
    @Column(name = "transferred_bytes")
    public Long transferredBytes;
    public String error;
    /** The replica whose store holds the image, or pulls it; null while a pull waits for one. */
    public String replica;
    @Column(name = "requested_by")
    public String requestedBy;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;

    /** {@code name:tag}, or {@code name@digest} for an entry pulled by digest alone. */
    public String reference() {
        return tag != null ? name + ":" + tag : name + "@" + (sourceDigest != null ? sourceDigest : digest);
    }
}
