package dev.berth.api.docker;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Docker's multiplexed stream for containers without a terminal: each chunk of output is one frame,
 * an 8-byte header (the stream: 1 stdout, 2 stderr; three zero bytes; the length, big-endian) and
 * the bytes. Writes of two streams into one connection stay whole frames.
 */
final class DockerFrames extends OutputStream {

    static final String MEDIA_TYPE = "application/vnd.docker.raw-stream";
    static final byte STDOUT = 1;
    static final byte STDERR = 2;

    private final OutputStream target;
    private final byte stream;

    DockerFrames(OutputStream target, byte stream) {
        this.target = target;
        this.stream = stream;
    }

    static byte[] frame(byte stream, byte[] bytes, int offset, int length) {
        byte[] frame = new byte[8 + length];
        frame[0] = stream;
        frame[4] = (byte) (length >>> 24);
        frame[5] = (byte) (length >>> 16);
        frame[6] = (byte) (length >>> 8);
        frame[7] = (byte) length;
        System.arraycopy(bytes, offset, frame, 8, length);
        return frame;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return;
        }
        byte[] frame = frame(stream, bytes, offset, length);
        synchronized (target) {
            target.write(frame);
        }
    }

    @Override
    public void flush() throws IOException {
        synchronized (target) {
            target.flush();
        }
    }
}
