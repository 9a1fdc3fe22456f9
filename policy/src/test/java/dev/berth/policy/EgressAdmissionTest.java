package dev.berth.policy;

import static dev.berth.policy.Requests.acme;
import static dev.berth.policy.Requests.admitted;
import static dev.berth.policy.Requests.job;
import static dev.berth.policy.Requests.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.policy.egress.EgressRule;
import dev.berth.policy.tenant.TenantPolicy;
import dev.berth.policy.tenant.TenantPolicyValidator;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Network mode egress: the admin's allow-list, a job's narrowing of it, and the rules that name every refusal. */
class EgressAdmissionTest {

    private static final PlatformCeilings EGRESS_PLATFORM = new PlatformCeilings(1000, 2000, 256, 4096, 256, 1024, 64, 1024,
            3600, 86_400, 5, 1024, 1000, Set.of(), Set.of("none", "egress"), "berth-restricted");
    private static final JobAdmission ADMISSION = new JobAdmission(EGRESS_PLATFORM);
    private static final List<EgressRule> ALLOWED = List.of(
            new EgressRule("198.51.100.0/24", "8000-8100", null),
            new EgressRule("api.example.com", "443", "tcp"),
            new EgressRule("2001:db8::/32", null, "udp"));

    private static TenantPolicy baseline(List<EgressRule> egress) {
        return new TenantPolicy("baseline", null, null, null, List.of("none", "egress"), null, null, null, null, egress);
    }

    private static JobRequest egressJob(EgressRule... narrowing) {
        JobRequest base = job().network("egress").build();
        return new JobRequest(base.image(), base.command(), null, null, null, null, null, null, null, null, "egress", null, null, null, null,
                narrowing.length == 0 ? null : Arrays.asList(narrowing));
    }

    @Test
    void aJobWithoutNarrowingGetsThePolicysListWithDefaultsSpelledOut() {
        ExecutionPlan plan = admitted(ADMISSION, egressJob(), acme(baseline(ALLOWED)));

        assertThat(plan.network()).isEqualTo("egress");
        assertThat(plan.egress()).containsExactly(
                new EgressRule("198.51.100.0/24", "8000-8100", "tcp"),
                new EgressRule("api.example.com", "443", "tcp"),
                new EgressRule("2001:db8::/32", "1-65535", "udp"));
        assertThat(plan.decisions()).extracting(Decision::rule).contains("network.allowed", "network.egress");
    }

    @Test
    void aJobMayNarrowTheListToAddressesPortsAndNamesInsideIt() {
        ExecutionPlan plan = admitted(ADMISSION, egressJob(new EgressRule("198.51.100.10", "8080", null),
                new EgressRule("api.example.com", "443", null)), acme(baseline(ALLOWED)));

        assertThat(plan.egress()).containsExactly(new EgressRule("198.51.100.10", "8080", "tcp"), new EgressRule("api.example.com", "443", "tcp"));
    }

    @Test
    void aJobCannotWidenTheList() {
        List<Violation> violations = refused(ADMISSION, egressJob(
                new EgressRule("198.51.100.10", "22", null),
                new EgressRule("198.51.0.0/16", "8080", null),
                new EgressRule("198.51.100.10", "8080", "udp"),
                new EgressRule("other.example.com", "443", null),
                new EgressRule("2001:db8::1", "53", null)), acme(baseline(ALLOWED)));

        assertThat(violations).extracting(Violation::rule).containsOnly("network.egress-policy");
        assertThat(violations).extracting(Violation::field).containsExactly("egress[0]", "egress[1]", "egress[2]", "egress[3]", "egress[4]");
        assertThat(violations.getFirst().message()).isEqualTo("tcp 198.51.100.10:22 is not inside tenant acme's egress allow-list "
                + "(tcp 198.51.100.0/24:8000-8100, tcp api.example.com:443, udp 2001:db8::/32:1-65535); "
                + "narrow it to an allowed destination, port and protocol");
    }

    @Test
    void malformedEntriesAreNamedFieldByField() {
        List<Violation> violations = refused(ADMISSION, egressJob(new EgressRule("10.0.0.1/8", "0", "icmp"),
                new EgressRule("Example.COM", "80-70", null), new EgressRule(null, null, null)), acme(baseline(ALLOWED)));

        assertThat(violations).extracting(Violation::rule).containsOnly("network.egress");
        assertThat(violations).extracting(Violation::field).containsExactly("egress[0].destination", "egress[0].ports", "egress[0].protocol",
                "egress[1].destination", "egress[1].ports", "egress[2].destination");
    }

    @Test
    void egressWithoutAnAllowListIsRefusedRatherThanRunWithNothingAllowed() {
        assertThat(refused(ADMISSION, egressJob(), acme(baseline(List.of()))))
                .containsExactly(new Violation("network.egress-empty", "network", "no destination is allowed for tenant acme: "
                        + "ask a platform admin to add an egress allow-list to the policy, or use network \"none\""));
    }

    @Test
    void anEgressListOutsideEgressModeIsRefused() {
        JobRequest none = new JobRequest("busybox", List.of("true"), null, null, null, null, null, null, null, null, null, null, null, null, null,
                List.of(new EgressRule("198.51.100.10", "8080", null)));

        assertThat(refused(ADMISSION, none, acme(baseline(ALLOWED)))).extracting(Violation::rule).containsExactly("network.egress-mode");
    }

    @Test
    void aTenantNotAllowedEgressHearsOnlyThatReason() {
        assertThat(refused(ADMISSION, egressJob(), acme(TenantPolicy.defaults()))).extracting(Violation::rule).containsExactly("network.policy");
    }

    @Test
    void noneIsUnchangedAndCarriesNoDestinations() {
        ExecutionPlan plan = admitted(ADMISSION, job().build(), acme(baseline(ALLOWED)));

        assertThat(plan.network()).isEqualTo("none");
        assertThat(plan.egress()).isEmpty();
        assertThat(plan.decisions()).extracting(Decision::rule).contains("network.none").doesNotContain("network.egress");
    }

    @Test
    void aPolicyIsCheckedWhereItIsStored() {
        assertThat(TenantPolicyValidator.validate(baseline(ALLOWED), EGRESS_PLATFORM)).isEmpty();
        assertThat(TenantPolicyValidator.validate(baseline(List.of(new EgressRule("10.0.0.0/33", "x", null))), EGRESS_PLATFORM))
                .extracting(Violation::rule, Violation::field)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("policy.egress", "egress[0].destination"),
                        org.assertj.core.groups.Tuple.tuple("policy.egress", "egress[0].ports"));
        assertThat(TenantPolicyValidator.validate(baseline(List.of(new EgressRule("169.254.169.254", "80", null),
                new EgressRule("127.0.0.0/8", null, null), new EgressRule("0.0.0.0/0", "443", null))), EGRESS_PLATFORM))
                .extracting(Violation::rule, Violation::field)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("policy.egress-denied", "egress[0].destination"),
                        org.assertj.core.groups.Tuple.tuple("policy.egress-denied", "egress[1].destination"));
        TenantPolicy listWithoutMode = new TenantPolicy("baseline", null, null, null, List.of("none"), null, null, null, null, ALLOWED);
        assertThat(TenantPolicyValidator.validate(listWithoutMode, EGRESS_PLATFORM)).extracting(Violation::rule)
                .containsExactly("policy.egress-mode");
    }
}
