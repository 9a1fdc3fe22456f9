package dev.berth.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written parser accepts exactly the OCI distribution reference grammar. */
class ImageReferenceTest {

    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    @Test
    void splitsRepositoryTagAndDigest() {
        assertThat(ImageReference.parse("registry.local:5000/team/app:v1.4-rc_2@" + DIGEST))
                .contains(new ImageReference("registry.local:5000/team/app", "v1.4-rc_2", DIGEST));
        assertThat(ImageReference.parse("busybox")).contains(new ImageReference("busybox", null, null));
        assertThat(ImageReference.parse("registry:5000")).contains(new ImageReference("registry", "5000", null));
        assertThat(ImageReference.parse("My-Host.example:443/a")).contains(new ImageReference("My-Host.example:443/a", null, null));
    }

    @Test
    void acceptsEverySeparatorOfThePathGrammar() {
        for (String ok : List.of("a.b", "a_b", "a__b", "a-b", "a---b", "a/b/c", "a0/9z", "x.y-z__w/q")) {
            assertThat(ImageReference.parse(ok)).as(ok).isPresent();
        }
    }

    @Test
    void refusesWhatTheGrammarRefuses() {
        for (String bad : List.of("", "UPPER", "a___b", "a..b", "a.-b", "-a", "a-", "a//b", "/a", "a/", "a:", "a:-tag",
                "a:" + "t".repeat(129), "a@sha256:abc", "a@" + DIGEST.toUpperCase(), "a@md5:" + "0".repeat(64), "a:b:c",
                "-host:5000/a", "host:50x0/a", "a b", "a\0b", "x".repeat(513))) {
            assertThat(ImageReference.parse(bad)).as(bad).isEmpty();
        }
    }
}
