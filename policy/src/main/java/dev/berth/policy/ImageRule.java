package dev.berth.policy;

import dev.berth.policy.tenant.ImagePattern;
import java.util.List;
import java.util.Optional;

/** An image runs only if an entry of the tenant's allow-list names it. */
final class ImageRule {

    private ImageRule() {
    }

    static void check(String image, AdmissionContext context, Findings findings) {
        Optional<ImageReference> reference = ImageReference.parse(image);
        if (reference.isEmpty()) {
            return; // the syntax check has already refused it
        }
        List<String> allowed = context.policy().allowedImages();
        Optional<String> match = allowed.stream().filter(pattern -> ImagePattern.matches(pattern, reference.get())).findFirst();
        if (match.isPresent()) {
            findings.decide("image.allowed", "image " + image + " matches \"" + match.get() + "\" in tenant " + context.tenant() + "'s allow-list");
        } else {
            findings.refuse("image.policy", "image", "image " + image + " is not in tenant " + context.tenant() + "'s allow-list "
                    + allowed + "; use an allowed image or ask a platform admin to allow this one");
        }
    }
}
