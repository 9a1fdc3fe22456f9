package dev.berth.engine.image;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Hashes what passes through and, at the end of the stream, fails unless the content had the
 * expected digest. Callers must read to the end, or the check never happens.
 */
final class VerifyingInputStream extends ObservedInputStream {

    private final MessageDigest sha256 = OciLayout.sha256();
    private final String expected;
    private boolean checked;

    VerifyingInputStream(InputStream in, String expected) {
        super(in);
        this.expected = expected;
    }

    @Override
    void seen(byte[] buffer, int offset, int length) {
        sha256.update(buffer, offset, length);
    }

    /** Reads what is left, at most {@code maxBytes}, and checks the digest. */
    void drainAndCheck(long maxBytes) throws IOException {
        Streams.drainAtMost(this, maxBytes, expected);
        check();
    }

    @Override
    void ended() throws IOException {
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
