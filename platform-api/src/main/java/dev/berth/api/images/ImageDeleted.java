package dev.berth.api.images;

import java.util.UUID;

/** A catalog entry was removed; once that is committed, its content may be collected. */
public record ImageDeleted(UUID image) {
}
