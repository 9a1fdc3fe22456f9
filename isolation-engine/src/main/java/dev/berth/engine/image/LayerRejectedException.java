package dev.berth.engine.image;

import dev.berth.engine.EngineException;

/** A layer tried something no image may do; nothing of it should be trusted. */
public class LayerRejectedException extends EngineException {

    private final String entry;
    private final String reason;

    public LayerRejectedException(String entry, String reason) {
        super("layer entry '" + entry + "' refused: " + reason
                + "; the image is hostile or broken: rebuild it or take it from a trusted source");
        this.entry = entry;
        this.reason = reason;
    }

    /** The tar entry refused, as the archive names it. */
    public String entry() {
        return entry;
    }

    /** Which entry rule it broke. */
    public String reason() {
        return reason;
    }
}
