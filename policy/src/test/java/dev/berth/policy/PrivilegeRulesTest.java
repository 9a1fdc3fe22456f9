package dev.berth.policy;

import static dev.berth.policy.Requests.acme;
import static dev.berth.policy.Requests.admitted;
import static dev.berth.policy.Requests.job;
import static dev.berth.policy.Requests.policy;
import static dev.berth.policy.Requests.refusal;
import static dev.berth.policy.Requests.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.policy.egress.EgressRule;
import dev.berth.policy.tenant.TenantPolicy;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Capabilities and network: nothing by default, more only where platform and a baseline-tier policy agree. */
class PrivilegeRulesTest {

    private static final PlatformCeilings GENEROUS = new PlatformCeilings(1000, 2000, 256, 4096, 256, 1024, 64, 1024,
            3600, 86_400, 5, 1024, 1000, Set.of("NET_BIND_SERVICE"), Set.of("none", "egress"), "berth-restricted");
    private static final JobAdmission ADMISSION = new JobAdmission(GENEROUS);
    private static final TenantPolicy BASELINE = new TenantPolicy("baseline", null, null, List.of("NET_BIND_SERVICE"),
            List.of("none", "egress"), null, null, null, null, List.of(new EgressRule("203.0.113.0/24", "443", null)));

    @Test
    void aCapabilityThePlatformNeverGrants() {
        assertThat(refusal(job().capabilities("SYS_ADMIN").build(), acme()))
                .isEqualTo(new Violation("capabilities.ceiling", "capabilities[0]",
                        "SYS_ADMIN is never granted on this platform; jobs run without capabilities"));
        assertThat(refused(ADMISSION, job().capabilities("CAP_NET_BIND_SERVICE").build(), acme(BASELINE)))
                .singleElement().extracting(Violation::message)
                .isEqualTo("CAP_NET_BIND_SERVICE is never granted on this platform; jobs run without capabilities except "
                        + "NET_BIND_SERVICE (write names without the CAP_ prefix)");
    }

    @Test
    void aCapabilityTheTenantIsNotGranted() {
        assertThat(refused(ADMISSION, job().capabilities("NET_BIND_SERVICE").build(), acme()))
                .containsExactly(new Violation("capabilities.policy", "capabilities[0]",
                        "NET_BIND_SERVICE is not granted to tenant acme (tier restricted); "
                                + "a platform admin can grant it with a baseline-tier policy"));
    }

    @Test
    void theRestrictedTierGrantsNothingEvenIfThePolicyListsIt() {
        TenantPolicy restrictedButListing = policy("restricted", null, null, List.of("NET_BIND_SERVICE"),
                List.of("none", "egress"), null, null, null, null);
        assertThat(refused(ADMISSION, job().capabilities("NET_BIND_SERVICE").network("egress").build(), acme(restrictedButListing)))
                .extracting(Violation::rule).containsExactly("capabilities.policy", "network.policy");
    }

    @Test
    void aBaselineTenantGetsWhatItsPolicyGrants() {
        ExecutionPlan plan = Requests.admitted(ADMISSION,
                job().capabilities("NET_BIND_SERVICE", "NET_BIND_SERVICE").network("egress").build(), acme(BASELINE));

        assertThat(plan.capabilities()).containsExactly("NET_BIND_SERVICE");
        assertThat(plan.network()).isEqualTo("egress");
        assertThat(plan.decisions()).extracting(Decision::rule).contains("tier.baseline", "capabilities.granted", "network.allowed");
    }

    @Test
    void noCapabilitiesAndNoNetworkByDefault() {
        ExecutionPlan plan = admitted(job().build(), acme());
        assertThat(plan.capabilities()).isEmpty();
        assertThat(plan.network()).isEqualTo("none");
        assertThat(plan.decisions()).extracting(Decision::rule).contains("capabilities.none", "network.none");
    }

    @Test
    void aNetworkThePlatformDoesNotOffer() {
        assertThat(refusal(job().network("host").build(), acme()))
                .isEqualTo(new Violation("network.ceiling", "network", "network \"host\" is not available on this platform; available: none"));
    }

    @Test
    void aNetworkTheTenantIsNotAllowed() {
        assertThat(refused(ADMISSION, job().network("egress").build(), acme()))
                .containsExactly(new Violation("network.policy", "network",
                        "network \"egress\" is not allowed for tenant acme (tier restricted); use \"none\" or ask a platform admin to allow it"));
    }
}
