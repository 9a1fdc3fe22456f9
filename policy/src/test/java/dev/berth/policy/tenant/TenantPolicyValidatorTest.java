package dev.berth.policy.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.policy.PlatformCeilings;
import dev.berth.policy.Violation;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TenantPolicyValidatorTest {

    private static final PlatformCeilings NBS = new PlatformCeilings(1000, 2000, 256, 4096, 256, 1024, 64, 1024,
            3600, 86_400, 5, 1024, 1000, Set.of("NET_BIND_SERVICE"), Set.of("none", "egress"), "berth-restricted");

    private static List<Violation> validate(TenantPolicy policy) {
        return TenantPolicyValidator.validate(policy, NBS);
    }

    private static TenantPolicy policy(String tier, List<String> images, PerJobMaxima maxima, List<String> capabilities,
                                       List<String> networks, Integer defaultTimeout, Integer maxTimeout, Integer maxRetries,
                                       List<String> deniedEnv) {
        return new TenantPolicy(tier, images, maxima, capabilities, networks, defaultTimeout, maxTimeout, maxRetries, deniedEnv);
    }

    @Test
    void theDefaultsAndAFullBaselinePolicyAreValid() {
        assertThat(validate(TenantPolicy.defaults())).isEmpty();
        assertThat(validate(policy("baseline", List.of("busybox", "registry.local:5000/team/*", "sha256:" + "a".repeat(64)),
                new PerJobMaxima(1000, 1024, 128, 64), List.of("NET_BIND_SERVICE"), List.of("none", "egress"),
                600, 3600, 2, List.of("LD_*", "SECRET")))).isEmpty();
    }

    @Test
    void unknownTier() {
        assertThat(validate(policy("privileged", null, null, null, null, null, null, null, null))).containsExactly(
                new Violation("policy.tier", "tier", "the tier must be \"restricted\" or \"baseline\", got \"privileged\""));
    }

    @Test
    void badImagePatterns() {
        assertThat(validate(policy(null, Arrays.asList("UPPER", null, "team/**"), null, null, null, null, null, null, null)))
                .extracting(Violation::field).containsExactly("allowedImages[0]", "allowedImages[1]", "allowedImages[2]");
        assertThat(validate(policy(null, List.of("a b"), null, null, null, null, null, null, null)).getFirst().message())
                .isEqualTo("use *, a repository such as busybox, a prefix such as registry.local:5000/team/*, "
                        + "or a digest sha256:<64 hex digits>");
    }

    @Test
    void maximaCannotLiftTheCeiling() {
        assertThat(validate(policy(null, null, new PerJobMaxima(null, 8192, null, 0), null, null, null, null, null, null)))
                .containsExactly(
                        new Violation("policy.max-resources", "maxResources.memoryMiB",
                                "must be between 8 and 4096 MiB (the platform ceiling), got 8192"),
                        new Violation("policy.max-resources", "maxResources.scratchMiB",
                                "must be between 1 and 1024 MiB (the platform ceiling), got 0"));
    }

    @Test
    void capabilitiesNeedThePlatformAndTheBaselineTier() {
        assertThat(validate(policy("baseline", null, null, List.of("SYS_ADMIN"), null, null, null, null, null))).containsExactly(
                new Violation("policy.capabilities", "allowedCapabilities[0]",
                        "SYS_ADMIN is not grantable on this platform; the baseline allows NET_BIND_SERVICE"));
        assertThat(validate(policy("restricted", null, null, List.of("NET_BIND_SERVICE"), null, null, null, null, null))).containsExactly(
                new Violation("policy.tier-capabilities", "allowedCapabilities[0]",
                        "the restricted tier grants no capabilities; set tier to \"baseline\" to grant NET_BIND_SERVICE"));
    }

    @Test
    void networksNeedThePlatformAndTheBaselineTier() {
        assertThat(validate(policy("baseline", null, null, null, List.of("host"), null, null, null, null))).containsExactly(
                new Violation("policy.networks", "networks[0]", "network \"host\" is not available on this platform; available: egress, none"));
        assertThat(validate(policy(null, null, null, null, List.of("none", "egress"), null, null, null, null))).containsExactly(
                new Violation("policy.tier-network", "networks[1]",
                        "the restricted tier allows only network \"none\"; set tier to \"baseline\" to allow \"egress\""));
    }

    @Test
    void timeoutsAndRetries() {
        assertThat(validate(policy(null, null, null, null, null, 7200, 3600, 9, null))).containsExactly(
                new Violation("policy.timeout", "defaultTimeoutSeconds", "the default timeout (7200 s) must not exceed maxTimeoutSeconds (3600 s)"),
                new Violation("policy.retries", "maxRetries", "must be between 0 and 5 (the platform ceiling), got 9"));
        assertThat(validate(policy(null, null, null, null, null, null, 100_000, null, null)))
                .extracting(Violation::rule).containsExactly("policy.timeout");
    }

    @Test
    void deniedEnvPatterns() {
        assertThat(validate(policy(null, null, null, null, null, null, null, null, List.of("LD_*", "1BAD", "A*B")))).containsExactly(
                new Violation("policy.env", "deniedEnv[1]", "use a variable name, or a prefix ending in * such as LD_*"),
                new Violation("policy.env", "deniedEnv[2]", "use a variable name, or a prefix ending in * such as LD_*"));
    }
}
