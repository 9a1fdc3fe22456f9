package dev.berth.engine.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Hashes what passes through and, at the end of the stream, fails unless the content had the
 * expected digest. Callers must read to the end, or the check never happens.
 */
final class VerifyingInputStream extends FilterInputStream {

    private final MessageDigest sha256 = OciLayout.sha256();
    private final String expected;
    private boolean checked;

    VerifyingInputStream(InputStream in, String expected) {
        super(in);
        this.expected = expected;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            check();
        } else {
            sha256.update((byte) b);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int read = super.read(buffer, offset, length);
        if (read < 0) {
            check();
        } else {
            sha256.update(buffer, offset, read);
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

    /** Reads what is left, at most {@code maxBytes}, and checks the digest. */
    void drainAndCheck(long maxBytes) throws IOException {
        Streams.drainAtMost(this, maxBytes, expected);
        check();
    }

    private void check() throws IOException {
        if (checked) {
            return;
        }
        checked = true;
        String actual = Digests.of(sha256.digest());
        if (!actual.equals(expected)) {
            throw new BlobCorruptException(expected, "holds content with digest " + actual);
        }
    }
}
