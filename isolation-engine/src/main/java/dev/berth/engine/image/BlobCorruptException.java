package dev.berth.engine.image;

import java.io.IOException;

/** A stored or transferred blob's content does not match its digest. */
public class BlobCorruptException extends IOException {

    public BlobCorruptException(String digest, String problem) {
        super("blob " + digest + " " + problem + ": it was corrupted or tampered with; delete the image and pull or import it again");
    }
}
