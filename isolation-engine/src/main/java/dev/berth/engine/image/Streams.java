package dev.berth.engine.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Copies and drains with a ceiling, for bodies and blobs whose size the sender controls. */
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

    /**
     * Reads what is left of a blob's stream, at most {@code maxBytes}: after an archive's end only
     * padding may follow, so a long tail is a decompression bomb or a broken image.
     */
    static void drainAtMost(InputStream in, long maxBytes, String blob) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = 0;
        int read;
        while ((read = in.read(buffer)) >= 0) {
            left += read;
            if (left > maxBytes) {
                throw new ImageFormatException("blob " + blob + " goes on for more than " + maxBytes
                        + " bytes after its content ended: the image is hostile or broken; rebuild it");
            }
        }
    }
}
