package dev.berth.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.policy.seccomp.SeccompProfiles;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobAdmissionTest {

    private static final ServiceIdentity SERVICE = new ServiceIdentity(999, 995);
    private static final AdmissionContext ACME = new AdmissionContext("acme", new IdRange(1_048_576, 65_536), SERVICE);
    private final JobAdmission admission = new JobAdmission(PlatformCeilings.defaults());

    private static JobRequest request(String image, List<String> command) {
        return new JobRequest(image, command, null, null, null, null, null, null, null, null, null);
    }

    private static JobRequest withUser(Integer user) {
        return new JobRequest("busybox", List.of("true"), null, null, user, null, null, null, null, null, null);
    }

    private ExecutionPlan admitted(JobRequest request, AdmissionContext context) {
        Admission result = admission.admit(request, context);
        assertThat(result).isInstanceOf(Admission.Admitted.class);
        return ((Admission.Admitted) result).plan();
    }

    private List<Violation> refused(JobRequest request) {
        Admission result = admission.admit(request, ACME);
        assertThat(result).isInstanceOf(Admission.Refused.class);
        return ((Admission.Refused) result).violations();
    }

    @Test
    void minimalRequestGetsHardenedDefaults() {
        ExecutionPlan plan = admitted(request("busybox", List.of("sh", "-c", "echo hi")), ACME);

        assertThat(plan.uid()).isEqualTo(1000);
        assertThat(plan.capabilities()).isEmpty();
        assertThat(plan.noNewPrivileges()).isTrue();
        assertThat(plan.readOnlyRootfs()).isTrue();
        assertThat(plan.network()).isEqualTo("none");
        assertThat(plan.hostname()).isEqualTo("job");
        assertThat(plan.limits()).isEqualTo(new Limits(1000, 256L << 20, 256, 1024, 64L << 20));
        assertThat(plan.limits().cpuQuotaMicros()).isEqualTo(Limits.CPU_PERIOD_MICROS);
        assertThat(plan.seccompProfile()).isEqualTo(SeccompProfiles.restricted().reference());
        assertThat(plan.decisions()).extracting(Decision::rule).contains("user.default", "user.namespace",
                "tier.restricted", "image.allowed", "resources.memory.default", "seccomp.default-deny", "network.none");
    }

    @Test
    void containerRootIsTheServiceAccountAndEveryOtherIdIsInTheTenantRange() {
        ExecutionPlan plan = admitted(request("busybox", List.of("true")), ACME);

        assertThat(plan.uidMappings()).containsExactly(
                new IdMapping(0, 999, 1), new IdMapping(1, 1_048_577, 65_535));
        assertThat(plan.gidMappings()).containsExactly(
                new IdMapping(0, 995, 1), new IdMapping(1, 1_048_577, 65_535));
    }

    @Test
    void twoTenantsGetDisjointHostIds() {
        AdmissionContext other = new AdmissionContext("globex", new IdRange(1_048_576 + 65_536, 65_536), SERVICE);
        ExecutionPlan acme = admitted(request("busybox", List.of("true")), ACME);
        ExecutionPlan globex = admitted(request("busybox", List.of("true")), other);

        IdMapping a = acme.uidMappings().get(1);
        IdMapping b = globex.uidMappings().get(1);
        assertThat(a.hostId() + a.size() - 1).isLessThan(b.hostId());
    }

    @Test
    void rootInsideIsRefusedWithAReason() {
        assertThat(refused(withUser(0))).singleElement().satisfies(v -> {
            assertThat(v.rule()).isEqualTo("user.non-root");
            assertThat(v.field()).isEqualTo("user");
        });
        assertThat(refused(withUser(70_000))).extracting(Violation::rule).containsExactly("user.range");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        JobRequest bad = new JobRequest("Not An Image!", List.of(), Map.of("1BAD", "x"), "/proc/self",
                null, List.of("SYS_ADMIN"), new ResourceRequest(5, 100_000, null, null), 0, 99,
                Map.of("-bad-", "ok"), "host");

        assertThat(refused(bad)).extracting(Violation::rule).containsExactlyInAnyOrder(
                "image.reference", "command.required", "env.name", "workingDir.forbidden",
                "capabilities.ceiling", "resources.cpu.range", "resources.memory.ceiling",
                "timeout.range", "retries.ceiling", "labels.key", "network.ceiling");
    }

    @Test
    void workingDirMustBeCanonical() {
        for (String dir : List.of("relative", "/a/../b", "/a//b", "/a/", "/a/.")) {
            JobRequest request = new JobRequest("busybox", List.of("true"), null, dir, null, null, null, null, null, null, null);
            assertThat(refused(request)).extracting(Violation::rule).as(dir).containsExactly("workingDir.path");
        }
    }

    @Test
    void nulBytesAreRefused() {
        assertThat(refused(request("busybox", List.of("echo", "a\0b"))))
                .extracting(Violation::field).containsExactly("command[1]");
    }

    @Test
    void imageReferencesFollowTheDistributionGrammar() {
        for (String ok : List.of("busybox", "busybox:1.36", "registry.local:5000/team/app:v1",
                "app@sha256:" + "a".repeat(64))) {
            admitted(request(ok, List.of("true")), ACME);
        }
        for (String bad : List.of("UPPER", "a:b:c", "app@sha256:abc", "/abs")) {
            assertThat(refused(request(bad, List.of("true")))).extracting(Violation::rule).as(bad)
                    .containsExactly("image.reference");
        }
    }
}
