package dev.berth.engine.image;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How far a pull has come.
 *
 * @param phase           RESOLVING (reading manifests), COPYING (transferring blobs), UNPACKING, DONE; or, for a
 *                        pull with a registry token, STREAMING (layers unpacked as they download) in place of
 *                        COPYING and UNPACKING
 * @param layers          layers of the image
 * @param layersCached    layers the store already held, which are not transferred again
 * @param layersCopied    layers skopeo has gone through so far, cached ones included
 * @param bytesTotal      compressed size of all layers
 * @param bytesToTransfer compressed size of the layers the store lacked
 */
public record PullProgress(String phase, int layers, int layersCached, int layersCopied, long bytesTotal, long bytesToTransfer) {

    static PullProgress resolving() {
        return new PullProgress("RESOLVING", 0, 0, 0, 0, 0);
    }

    /** The counts of a manifest's layers before any is transferred: those the store holds are cached. */
    static PullProgress of(String phase, JsonNode manifest, OciLayout layout) {
        int layers = 0;
        int cached = 0;
        long total = 0;
        long toTransfer = 0;
        for (JsonNode layer : manifest.path("layers")) {
            layers++;
            total += layer.path("size").asLong();
            if (layout.has(layer.path("digest").asText())) {
                cached++;
            } else {
                toTransfer += layer.path("size").asLong();
            }
        }
        return new PullProgress(phase, layers, cached, 0, total, toTransfer);
    }

    /** Cached layers counted as gone through, for a pull that reports only the layers it transfers. */
    PullProgress cachedGoneThrough() {
        return new PullProgress(phase, layers, layersCached, layersCached, bytesTotal, bytesToTransfer);
    }

    PullProgress phase(String next) {
        return new PullProgress(next, layers, layersCached, layersCopied, bytesTotal, bytesToTransfer);
    }

    PullProgress layerCopied() {
        return new PullProgress(phase, layers, layersCached, Math.min(layers, layersCopied + 1), bytesTotal, bytesToTransfer);
    }
}
