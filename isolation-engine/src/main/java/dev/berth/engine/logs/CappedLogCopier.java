package dev.berth.engine.logs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Copies one output stream of a job into a file, up to a cap. Past the cap it writes a marker and
 * keeps draining, so a flooding job neither blocks on a full pipe nor fills the host's disk.
 */
public final class CappedLogCopier implements Runnable {

    public static final String TRUNCATION_MARKER = "\n[berth: output truncated at %d bytes]\n";
    private static final int BUFFER = 64 * 1024;

    private final InputStream source;
    private final Path target;
    private final long capBytes;
    private volatile long written;
    private volatile boolean truncated;

    public CappedLogCopier(InputStream source, Path target, long capBytes) {
        this.source = source;
        this.target = target;
        this.capBytes = capBytes;
    }

    @Override
    public void run() {
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = source; OutputStream out = Files.newOutputStream(target)) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                long room = capBytes - written;
                if (room > 0) {
                    int keep = (int) Math.min(room, read);
                    out.write(buffer, 0, keep);
                    out.flush();
                    written += keep;
                    if (keep < read) {
                        markTruncated(out);
                    }
                } else if (!truncated) {
                    markTruncated(out);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot capture job output into " + target, e);
        }
    }

    private void markTruncated(OutputStream out) throws IOException {
        truncated = true;
        out.write(TRUNCATION_MARKER.formatted(capBytes).getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    public boolean truncated() {
        return truncated;
    }
}
