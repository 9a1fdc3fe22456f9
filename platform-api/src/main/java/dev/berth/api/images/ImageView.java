package dev.berth.api.images;

import java.time.Instant;
import java.util.UUID;

/** An image as the admin API shows it, with the progress of its pull. */
public record ImageView(UUID id, String reference, String name, String tag, String source, ImageState state, String digest,
        String sourceDigest, Integer layers, Long sizeBytes, Long transferredBytes, Progress progress, String error,
        String requestedBy, Instant createdAt, Instant updatedAt) {

    /** Where a pull stands: WAITING, RESOLVING, COPYING, UNPACKING, then DONE or FAILED. */
    public record Progress(String phase, Integer layers, Integer layersCached, Integer layersCopied, Long bytesTotal, Long bytesToTransfer) {
    }

    public static ImageView of(ImageEntry entry) {
        return new ImageView(entry.id, entry.reference(), entry.name, entry.tag, entry.source, entry.state, entry.digest,
                entry.sourceDigest, entry.layers, entry.sizeBytes, entry.transferredBytes,
                new Progress(entry.phase, entry.layers, entry.layersCached, entry.layersCopied, entry.bytesTotal, entry.bytesToTransfer),
                entry.error, entry.requestedBy, entry.createdAt, entry.updatedAt);
    }
}
