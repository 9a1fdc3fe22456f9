package dev.berth.engine.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * Removes unpacked trees and blobs no live image needs. Live are the manifests the caller names
 * (catalog entries, queued and running jobs, allow-listed digests) and anything written within the
 * grace period, which covers a pull or import whose catalog entry is not committed yet.
 */
final class ImageGarbageCollector {

    private final OciLayout layout;
    private final UnpackedImages unpacked;
    private final ObjectMapper mapper;

    ImageGarbageCollector(OciLayout layout, UnpackedImages unpacked, ObjectMapper mapper) {
        this.layout = layout;
        this.unpacked = unpacked;
        this.mapper = mapper;
    }

    GarbageReport collect(Set<String> liveManifests, Duration grace) throws IOException {
        Instant cutoff = Instant.now().minus(grace);
        Set<String> keptManifests = new HashSet<>();
        int treesRemoved = 0;
        for (String digest : unpacked.digests()) {
            if (liveManifests.contains(digest) || unpacked.unpackedAt(digest).isAfter(cutoff)) {
                keptManifests.add(digest);
            } else {
                unpacked.remove(digest);
                treesRemoved++;
            }
        }
        keptManifests.addAll(liveManifests);
        Set<String> keptBlobs = new HashSet<>();
        for (String manifest : keptManifests) {
            if (layout.has(manifest)) {
                keptBlobs.add(manifest);
                ImageManifest parsed = ImageManifest.read(layout, manifest, mapper);
                keptBlobs.add(parsed.configDigest());
                parsed.layers().forEach(layer -> keptBlobs.add(layer.digest()));
            }
        }
        int blobsRemoved = 0;
        long bytesFreed = 0;
        for (String blob : layout.digests()) {
            if (!keptBlobs.contains(blob) && Files.getLastModifiedTime(layout.path(blob)).toInstant().isBefore(cutoff)) {
                bytesFreed += layout.size(blob);
                layout.delete(blob);
                blobsRemoved++;
            }
        }
        return new GarbageReport(treesRemoved, blobsRemoved, bytesFreed);
    }
}
