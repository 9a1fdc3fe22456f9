package dev.berth.engine.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Writes every byte read from the stream to a copy as well, so a blob is stored while it is consumed. */
final class TeeInputStream extends ObservedInputStream {

    private final OutputStream copy;

    TeeInputStream(InputStream in, OutputStream copy) {
        super(in);
        this.copy = copy;
    }

    @Override
    void seen(byte[] buffer, int offset, int length) throws IOException {
        copy.write(buffer, offset, length);
    }

    @Override
    void ended() {
    }
}
