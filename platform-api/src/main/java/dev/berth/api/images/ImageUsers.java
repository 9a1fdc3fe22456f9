package dev.berth.api.images;

import java.util.Set;

/**
 * Something outside the catalog that still needs image content, e.g. jobs pinned to a digest.
 * Collection keeps every digest any implementation names; implementations live with what they
 * describe, so the catalog knows no job or policy.
 */
public interface ImageUsers {

    /** Digests ({@code sha256:...}) whose content must stay. */
    Set<String> digestsInUse();
}
