package dev.berth.engine.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Writes every byte read from the stream to a copy as well, so a blob is stored while it is consumed. */
final class TeeInputStream extends FilterInputStream {

    private final OutputStream copy;

    TeeInputStream(InputStream in, OutputStream copy) {
        super(in);
        this.copy = copy;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            copy.write(b);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int read = super.read(buffer, offset, length);
        if (read > 0) {
            copy.write(buffer, offset, read);
        }
        return read;
    }

    @Override
    public long skip(long n) throws IOException {
        int read = read(new byte[(int) Math.min(n, 8192)]);
        return Math.max(read, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
