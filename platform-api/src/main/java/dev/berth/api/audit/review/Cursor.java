package dev.berth.api.audit.review;

import dev.berth.api.audit.chain.Timestamps;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.problems.ProblemType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** Where a page of newest-first results ended: opaque to clients, (time, seq) inside. */
public record Cursor(Instant time, long seq) {

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((Timestamps.format(time) + "|" + seq).getBytes(StandardCharsets.UTF_8));
    }

    public static Cursor decode(String text) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split("\\|");
            return new Cursor(Timestamps.parse(parts[0]), Long.parseLong(parts[1]));
        } catch (RuntimeException e) {
            throw new ProblemException(ProblemType.INVALID_CURSOR, "the cursor is not one this API handed out; pass the 'next' value of the previous page unchanged");
        }
    }
}
