package dev.berth.policy.tenant;

import dev.berth.policy.ImageReference;

/**
 * One entry of a tenant's image allow-list: {@code *} (any image the platform has), a repository
 * ({@code busybox}, {@code registry.local:5000/team/app}), every repository below a prefix
 * ({@code registry.local:5000/team/*}), or a pinned digest ({@code sha256:<64 hex>}) that the
 * request must name with {@code @sha256:…}.
 */
public final class ImagePattern {

    private static final String BELOW = "/*";

    private ImagePattern() {
    }

    public static boolean isValid(String pattern) {
        if (pattern == null) {
            return false;
        }
        if (pattern.equals(TenantPolicy.ANY_IMAGE) || ImageReference.isDigest(pattern)) {
            return true;
        }
        String repository = pattern.endsWith(BELOW) ? pattern.substring(0, pattern.length() - BELOW.length()) : pattern;
        return ImageReference.isRepository(repository);
    }

    /** No syntax check here: an invalid pattern's text cannot equal a valid repository or digest. */
    public static boolean matches(String pattern, ImageReference image) {
        if (pattern == null) {
            return false;
        }
        if (pattern.equals(TenantPolicy.ANY_IMAGE)) {
            return true;
        }
        if (pattern.startsWith("sha256:")) {
            return pattern.equals(image.digest());
        }
        if (pattern.endsWith(BELOW)) {
            return image.repository().startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(image.repository());
    }
}
