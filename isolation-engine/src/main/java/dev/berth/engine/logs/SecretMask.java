package dev.berth.engine.logs;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * A job's output with every exact occurrence of its secrets' values replaced by {@link #MASK},
 * also when an occurrence is split across reads: the last (longest value - 1) bytes are held back
 * until more output or the end shows whether they begin a value.
 */
public final class SecretMask extends FilterInputStream {

    public static final String MASK = "***";
    private static final byte[] MASK_BYTES = MASK.getBytes(StandardCharsets.US_ASCII);
    private static final int CHUNK = 64 * 1024;

    private final List<byte[]> values;
    private final int holdBack;
    private byte[] pending = new byte[0];
    private byte[] ready = new byte[0];
    private int readyAt;
    private boolean ended;

    private SecretMask(InputStream source, List<byte[]> values) {
        super(source);
        // Longest first, so a value containing another is masked whole.
        this.values = values.stream().filter(value -> value.length > 0).sorted(Comparator.comparingInt((byte[] v) -> v.length).reversed()).toList();
        this.holdBack = this.values.isEmpty() ? 0 : this.values.getFirst().length - 1;
    }

    /** The source itself when there is nothing to mask. */
    public static InputStream of(InputStream source, Collection<byte[]> values) {
        return values.isEmpty() ? source : new SecretMask(source, List.copyOf(values));
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int read = read(one, 0, 1);
        return read < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        while (readyAt >= ready.length) {
            if (ended) {
                return -1;
            }
            fill();
        }
        int count = Math.min(length, ready.length - readyAt);
        System.arraycopy(ready, readyAt, buffer, offset, count);
        readyAt += count;
        return count;
    }

    private void fill() throws IOException {
        byte[] chunk = new byte[CHUNK];
        int read = in.read(chunk);
        if (read < 0) {
            ended = true;
        }
        byte[] text = read < 0 ? pending : concat(pending, Arrays.copyOf(chunk, read));
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length);
        int safeEnd = ended ? text.length : Math.max(0, text.length - holdBack);
        int i = 0;
        while (i < safeEnd) {
            byte[] match = matchAt(text, i);
            if (match != null) {
                out.write(MASK_BYTES, 0, MASK_BYTES.length);
                i += match.length;
            } else {
                out.write(text[i]);
                i++;
            }
        }
        pending = Arrays.copyOfRange(text, Math.min(i, text.length), text.length);
        ready = out.toByteArray();
        readyAt = 0;
    }

    /** The value occurring at {@code at}; one that runs past the held-back tail waits for more output, since that is whole. */
    private byte[] matchAt(byte[] text, int at) {
        for (byte[] value : values) {
            if (at + value.length <= text.length && Arrays.equals(text, at, at + value.length, value, 0, value.length)) {
                return value;
            }
        }
        return null;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
