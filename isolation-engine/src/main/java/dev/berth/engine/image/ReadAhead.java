package dev.berth.engine.image;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a stream on a thread of its own, a bounded number of chunks ahead of the reader: a layer's
 * decompression and digests then run beside the unpacking, as {@code tar -xz} runs gzip beside tar.
 * What the source throws is thrown to the reader. {@link #close} stops the thread and waits for it,
 * so the source may be closed after it.
 */
final class ReadAhead extends InputStream {

    private static final int CHUNK = 256 * 1024;
    private static final int CHUNKS_AHEAD = 8;
    private static final byte[] END = new byte[0];

    private final BlockingQueue<Object> chunks = new ArrayBlockingQueue<>(CHUNKS_AHEAD);
    private final Thread reader;
    private byte[] current = new byte[0];
    private int position;
    private boolean ended;

    ReadAhead(InputStream source, String name) {
        this.reader = Thread.ofPlatform().daemon().name(name).start(() -> fill(source));
    }

    private void fill(InputStream source) {
        try {
            while (true) {
                byte[] chunk = source.readNBytes(CHUNK);
                if (chunk.length == 0) {
                    chunks.put(END);
                    return;
                }
                chunks.put(chunk.length == CHUNK ? chunk : Arrays.copyOf(chunk, chunk.length));
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            try {
                chunks.put(e);
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (position == current.length && !next()) {
            return -1;
        }
        int read = Math.min(length, current.length - position);
        System.arraycopy(current, position, buffer, offset, read);
        position += read;
        return read;
    }

    private boolean next() throws IOException {
        if (ended) {
            return false;
        }
        Object taken;
        try {
            taken = chunks.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading ahead", e);
        }
        if (taken instanceof IOException e) {
            throw e;
        }
        if (taken instanceof RuntimeException e) {
            throw e;
        }
        current = (byte[]) taken;
        position = 0;
        ended = current == END;
        return !ended;
    }

    @Override
    public void close() throws IOException {
        reader.interrupt();
        try {
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the read-ahead", e);
        }
    }
}
