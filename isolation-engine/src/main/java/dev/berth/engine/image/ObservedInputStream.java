package dev.berth.engine.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream that shows every byte read, and its end, to its subclass. Skipping reads (so skipped
 * bytes are seen too) and marks are refused (so none is seen twice).
 */
abstract class ObservedInputStream extends FilterInputStream {

    private final byte[] single = new byte[1];

    ObservedInputStream(InputStream in) {
        super(in);
    }

    /** Bytes just read, in order. */
    abstract void seen(byte[] buffer, int offset, int length) throws IOException;

    /** The underlying stream has ended; may be called more than once. */
    abstract void ended() throws IOException;

    @Override
    public final int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            ended();
        } else {
            single[0] = (byte) b;
            seen(single, 0, 1);
        }
        return b;
    }

    @Override
    public final int read(byte[] buffer, int offset, int length) throws IOException {
        int read = super.read(buffer, offset, length);
        if (read < 0) {
            ended();
        } else if (read > 0) {
            seen(buffer, offset, read);
        }
        return read;
    }

    @Override
    public final long skip(long n) throws IOException {
        int read = read(new byte[(int) Math.min(n, 8192)]);
        return Math.max(read, 0);
    }

    @Override
    public final boolean markSupported() {
        return false;
    }
}
