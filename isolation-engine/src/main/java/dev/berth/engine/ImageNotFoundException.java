package dev.berth.engine;

/** The plan names an image the store does not hold. */
public class ImageNotFoundException extends EngineException {

    public ImageNotFoundException(String message) {
        super(message);
    }
}
