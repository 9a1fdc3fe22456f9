package dev.berth.engine.image;

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

    PullProgress phase(String next) {
        return new PullProgress(next, layers, layersCached, layersCopied, bytesTotal, bytesToTransfer);
    }

    PullProgress layerCopied() {
        return new PullProgress(phase, layers, layersCached, Math.min(layers, layersCopied + 1), bytesTotal, bytesToTransfer);
    }
}
