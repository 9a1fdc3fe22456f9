package dev.berth.engine.image;

import java.io.IOException;

/** An import or a layer exceeds the configured size limit. */
public class ImageTooLargeException extends IOException {

    public ImageTooLargeException(long maxBytes) {
        super("the image is larger than the limit of " + maxBytes + " bytes: raise berth.images.max-image-bytes or use a smaller image");
    }
}
