package dev.berth.engine.image;

import dev.berth.engine.EngineException;

/** A layer tried something no image may do; nothing of it should be trusted. */
public class LayerRejectedException extends EngineException {

    public LayerRejectedException(String entry, String reason) {
        super("layer entry '" + entry + "' refused: " + reason
                + "; the image is hostile or broken: rebuild it or take it from a trusted source");
    }
}
