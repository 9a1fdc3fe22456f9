package dev.berth.api.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code berth.auth.token-cache.*}: how many verified bearer tokens are kept, and for how long at most. */
@ConfigMapping(prefix = "berth.auth.token-cache")
public interface TokenCacheConfig {

    /** Verified tokens kept at once (least recently useful ones go first); 0 verifies every request. */
    @WithDefault("2048")
    int maxEntries();

    /**
     * The longest a verified token is trusted without verifying it again, even if its {@code exp}
     * is later: bounds how long a signing key withdrawn from the issuer's key set stays accepted.
     */
    @WithDefault("5m")
    Duration maxAge();
}
