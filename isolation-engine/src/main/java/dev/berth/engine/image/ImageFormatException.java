package dev.berth.engine.image;

import java.io.IOException;

/** An image that is well transferred but cannot run here: wrong format, platform or structure. */
public class ImageFormatException extends IOException {

    public ImageFormatException(String message) {
        super(message);
    }
}
