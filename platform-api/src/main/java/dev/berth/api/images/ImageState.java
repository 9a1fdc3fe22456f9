package dev.berth.api.images;

/** PULLING until an engine replica has the image unpacked (READY) or gave up (FAILED, with the error). */
public enum ImageState {
    PULLING, READY, FAILED
}
