package dev.berth.engine.image;

/**
 * An image in the store with its root filesystem unpacked, ready for jobs.
 *
 * @param digest           the digest of the OCI manifest in the store: the image's identity here
 * @param sourceDigest     the digest of the manifest the registry served for linux/amd64, which
 *                         differs from {@code digest} when skopeo converted a Docker manifest to OCI;
 *                         equal to {@code digest} for imports
 * @param layers           number of layers
 * @param sizeBytes        compressed size of the layers
 * @param transferredBytes layer bytes this operation fetched or received; 0 when every layer was cached
 */
public record PreparedImage(String digest, String sourceDigest, int layers, long sizeBytes, long transferredBytes) {
}
