package dev.berth.policy;

import dev.berth.policy.tenant.ImagePattern;
import java.util.List;
import java.util.Optional;

/** An image runs only if an entry of the tenant's allow-list names it. */
final class ImageRule {

    private ImageRule() {
    }

    /** {@code parsed} is {@code image} as the caller parsed it; empty if the syntax check refused it. */
    static void check(String image, Optional<ImageReference> parsed, AdmissionContext context, Findings findings) {
        if (parsed.isEmpty()) {
            return;
        }
        List<String> allowed = context.policy().allowedImages();
        for (String pattern : allowed) {
            if (ImagePattern.matches(pattern, parsed.get())) {
                findings.decide("image.allowed", "image " + image + " matches \"" + pattern + "\" in tenant " + context.tenant() + "'s allow-list");
                return;
            }
        }
        findings.refuse("image.policy", "image", "image " + image + " is not in tenant " + context.tenant() + "'s allow-list "
                + allowed + "; use an allowed image or ask a platform admin to allow this one");
    }
}
