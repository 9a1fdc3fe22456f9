package dev.berth.engine.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Copies with a ceiling, for bodies and blobs whose size the sender controls. */
final class Streams {

    private Streams() {
    }

    static long copyAtMost(InputStream in, OutputStream out, long maxBytes) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = in.read(buffer)) >= 0) {
            total += read;
            if (total > maxBytes) {
                throw new ImageTooLargeException(maxBytes);
            }
            out.write(buffer, 0, read);
        }
        return total;
    }
}
