package dev.berth.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.policy.seccomp.SeccompProfiles;
import dev.berth.policy.tenant.PerJobMaxima;
import dev.berth.policy.tenant.TenantPolicy;
import dev.berth.policy.tenant.TenantQuota;
import dev.berth.policy.tenant.Tier;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The security invariants of admission, for arbitrary requests, tenant policies, quotas and
 * platform baselines: whatever is asked, an admitted plan stays inside every bound and is
 * hardened, and a refusal always names its rules.
 */
class AdmissionPropertiesTest {

    private static final List<PlatformCeilings> BASELINES = List.of(PlatformCeilings.defaults(),
            new PlatformCeilings(500, 4000, 128, 2048, 64, 512, 16, 256, 60, 600, 2, 256, 4242,
                    Set.of("NET_BIND_SERVICE"), Set.of("none", "egress"), "berth-restricted"));

    @Property(tries = 3000)
    void admittedPlansStayInsideEveryBoundAndAreHardened(@ForAll("cases") Case c) {
        Admission result = new JobAdmission(c.ceilings()).admit(c.request(), c.context());
        Statistics.collect(result instanceof Admission.Admitted);
        // Arbitrary input is mostly refused; the property only means something if many plans are admitted too.
        Statistics.coverage(coverage -> coverage.check(true).percentage(p -> p >= 4));
        if (!(result instanceof Admission.Admitted admitted)) {
            return;
        }
        ExecutionPlan plan = admitted.plan();
        PlatformCeilings ceilings = c.ceilings();
        TenantPolicy policy = c.context().policy();
        TenantQuota quota = c.context().quota();

        Set<String> grantable = new HashSet<>(ceilings.allowedCapabilities());
        grantable.retainAll(policy.effectiveTier() == Tier.BASELINE ? Set.copyOf(policy.allowedCapabilities()) : Set.of());
        assertThat(plan.capabilities()).isSubsetOf(grantable);

        assertThat(plan.noNewPrivileges()).isTrue();
        assertThat(plan.readOnlyRootfs()).isTrue();
        assertThat(plan.seccompProfile()).isEqualTo(SeccompProfiles.named(ceilings.seccompProfile()).reference());

        assertThat(plan.uid()).isBetween(1L, 65_535L);
        long jobHostUid = hostId(plan.uidMappings(), plan.uid());
        long jobHostGid = hostId(plan.gidMappings(), plan.gid());
        ServiceIdentity service = c.context().service();
        assertThat(jobHostUid).isNotIn(0L, service.uid());
        assertThat(jobHostGid).isNotIn(0L, service.gid());
        assertThat(plan.uidMappings()).allSatisfy(m -> assertThat(m.hostId()).isPositive());
        assertThat(plan.uidMappings().stream().filter(m -> m.containerId() > 0))
                .allSatisfy(m -> assertThat(m.hostId()).isGreaterThanOrEqualTo(c.context().tenantRange().hostStart())
                        .isLessThanOrEqualTo(c.context().tenantRange().hostEnd() - m.size() + 1));

        Limits limits = plan.limits();
        assertThat(limits.cpuMillis()).isLessThanOrEqualTo(min(ceilings.maxCpuMillis(), policy.maxResources().cpuMillis(), quota.cpuMillis()));
        assertThat(limits.memoryBytes()).isLessThanOrEqualTo((long) min(ceilings.maxMemoryMiB(), policy.maxResources().memoryMiB(),
                quota.memoryMiB()) << 20);
        assertThat(limits.pids()).isLessThanOrEqualTo(min(ceilings.maxPids(), policy.maxResources().pids(), quota.pids()));
        assertThat(limits.scratchBytes()).isLessThanOrEqualTo((long) min(ceilings.maxScratchMiB(), policy.maxResources().scratchMiB(),
                null) << 20);
        assertThat(limits.cpuMillis()).isPositive();
        assertThat(limits.memoryBytes()).isPositive();
        assertThat(plan.timeoutSeconds()).isBetween(1, min(ceilings.maxTimeoutSeconds(), policy.maxTimeoutSeconds(), null));
        assertThat(plan.retries()).isBetween(0, min(ceilings.maxRetries(), policy.maxRetries(), null));
        assertThat(quota.concurrentJobs()).isPositive();

        assertThat(plan.network()).isIn(ceilings.networkModes());
        if (!plan.network().equals("none")) {
            assertThat(policy.effectiveTier()).isEqualTo(Tier.BASELINE);
            assertThat(policy.networks()).contains(plan.network());
        }
    }

    @Property(tries = 2000)
    void everyRefusalNamesARuleAFieldAndWhatToDo(@ForAll("cases") Case c) {
        Admission result = new JobAdmission(c.ceilings()).admit(c.request(), c.context());
        if (result instanceof Admission.Refused refused) {
            assertThat(refused.violations()).isNotEmpty().allSatisfy(v -> {
                assertThat(v.rule()).matches("[a-z][A-Za-z-]*(\\.[a-z][A-Za-z-]*)+");
                assertThat(v.field()).isNotNull();
                assertThat(v.message()).isNotBlank();
            });
        }
    }

    @Property(tries = 500)
    void theSameInputGivesTheSamePlan(@ForAll("cases") Case c) {
        JobAdmission admission = new JobAdmission(c.ceilings());
        assertThat(admission.admit(c.request(), c.context())).isEqualTo(admission.admit(c.request(), c.context()));
    }

    private static long hostId(List<IdMapping> mappings, long containerId) {
        return mappings.stream()
                .filter(m -> containerId >= m.containerId() && containerId < m.containerId() + m.size())
                .mapToLong(m -> m.hostId() + (containerId - m.containerId()))
                .findFirst().orElseThrow(() -> new AssertionError("container id " + containerId + " is not mapped"));
    }

    private static int min(int ceiling, Integer policy, Integer quota) {
        int bound = ceiling;
        if (policy != null) {
            bound = Math.min(bound, policy);
        }
        if (quota != null) {
            bound = Math.min(bound, quota);
        }
        return bound;
    }

    record Case(PlatformCeilings ceilings, JobRequest request, AdmissionContext context) {
    }

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(Arbitraries.of(BASELINES), requests(), contexts()).as(Case::new);
    }

    private static <T> Arbitrary<T> maybe(Arbitrary<T> values) {
        return values.injectNull(0.3);
    }

    /** Mostly sensible values, sometimes nonsense: all-random input would almost never be admitted. */
    private static <T> Arbitrary<T> mostly(Arbitrary<T> sensible, Arbitrary<T> nonsense) {
        return Arbitraries.frequencyOf(Tuple.of(9, sensible), Tuple.of(1, nonsense));
    }

    private static Arbitrary<Integer> number(int min, int max) {
        return mostly(maybe(Arbitraries.integers().between(min, max)),
                Arbitraries.of(Integer.MIN_VALUE, -1, 0, 1, 8, 10, Integer.MAX_VALUE));
    }

    private static Arbitrary<JobRequest> requests() {
        Arbitrary<String> image = mostly(Arbitraries.of("busybox", "busybox:1.36", "registry.local:5000/team/app:v1",
                "app@sha256:" + "a".repeat(64), "evil/thing"), maybe(Arbitraries.of("UPPER", "", "a:b:c")));
        Arbitrary<List<String>> command = mostly(Arbitraries.of(List.of("true"), List.of("sh", "-c", "echo hi")),
                maybe(Arbitraries.of(List.of(), List.of(" "))));
        Arbitrary<Map<String, String>> env = mostly(maybe(Arbitraries.maps(Arbitraries.of("PATH", "LD_PRELOAD", "SECRET", "X"),
                Arbitraries.of("v", "")).ofMaxSize(3)), Arbitraries.of(Map.of("1BAD", "v"), Map.of("A", "a\0b")));
        Arbitrary<String> workingDir = mostly(maybe(Arbitraries.of("/", "/work")), Arbitraries.of("/proc/self", "rel", "/a/../b"));
        Arbitrary<List<String>> capabilities = mostly(maybe(Arbitraries.just(List.of())),
                Arbitraries.of("NET_BIND_SERVICE", "SYS_ADMIN", "CAP_NET_RAW", "CHOWN").list().ofMaxSize(3));
        Arbitrary<ResourceRequest> resources = maybe(Combinators.combine(number(10, 1500), number(8, 1024), number(8, 256),
                number(1, 64)).as(ResourceRequest::new));
        Arbitrary<String> network = mostly(maybe(Arbitraries.just("none")), Arbitraries.of("egress", "host", "bridge"));
        return Builders.withBuilder(() -> new Object[11])
                .use(image).in((a, v) -> set(a, 0, v))
                .use(command).in((a, v) -> set(a, 1, v))
                .use(env).in((a, v) -> set(a, 2, v))
                .use(workingDir).in((a, v) -> set(a, 3, v))
                .use(number(1, 70_000)).in((a, v) -> set(a, 4, v))
                .use(capabilities).in((a, v) -> set(a, 5, v))
                .use(resources).in((a, v) -> set(a, 6, v))
                .use(number(1, 1000)).in((a, v) -> set(a, 7, v))
                .use(number(0, 2)).in((a, v) -> set(a, 8, v))
                .use(mostly(maybe(Arbitraries.of(Map.of("team", "a"))), Arbitraries.of(Map.of("-x", "y")))).in((a, v) -> set(a, 9, v))
                .use(network).in((a, v) -> set(a, 10, v))
                .build(AdmissionPropertiesTest::request);
    }

    private static Object[] set(Object[] fields, int index, Object value) {
        fields[index] = value;
        return fields;
    }

    @SuppressWarnings("unchecked")
    private static JobRequest request(Object[] f) {
        return new JobRequest((String) f[0], (List<String>) f[1], (Map<String, String>) f[2], (String) f[3], (Integer) f[4],
                (List<String>) f[5], (ResourceRequest) f[6], (Integer) f[7], (Integer) f[8], (Map<String, String>) f[9], (String) f[10]);
    }

    private static Arbitrary<AdmissionContext> contexts() {
        Arbitrary<Long> slot = Arbitraries.longs().between(1, 30_000);
        Arbitrary<Long> serviceId = Arbitraries.longs().between(1, 70_000);
        return Combinators.combine(slot, serviceId, serviceId, policies(), quotas())
                .as((s, uid, gid, policy, quota) -> new AdmissionContext("t" + s, new IdRange(100_000 + s * 65_536, 65_536),
                        new ServiceIdentity(uid, gid), policy, quota));
    }

    private static Arbitrary<TenantPolicy> policies() {
        Arbitrary<String> tier = mostly(maybe(Arbitraries.of("restricted", "baseline")), Arbitraries.of("bogus"));
        Arbitrary<List<String>> images = mostly(maybe(Arbitraries.of(List.of("*"), List.of("busybox", "registry.local:5000/team/*"))),
                Arbitraries.of("*", "busybox", "sha256:" + "a".repeat(64), "BAD PATTERN").list().ofMaxSize(3));
        Arbitrary<PerJobMaxima> maxima = maybe(Combinators.combine(number(500, 5000), number(256, 10_000), number(128, 5000),
                number(32, 3000)).as(PerJobMaxima::new));
        Arbitrary<List<String>> capabilities = maybe(Arbitraries.of("NET_BIND_SERVICE", "SYS_ADMIN").list().ofMaxSize(2));
        Arbitrary<List<String>> networks = maybe(Arbitraries.of("none", "egress", "host").list().ofMaxSize(3));
        Arbitrary<List<String>> deniedEnv = mostly(maybe(Arbitraries.just(List.of("LD_*"))), Arbitraries.of("LD_*", "SECRET", "*").list().ofMaxSize(2));
        return Combinators.combine(tier, images, maxima, capabilities, networks, number(1, 100_000), number(600, 100_000),
                        number(0, 10))
                .flatAs((t, i, m, c, n, dt, mt, r) -> deniedEnv.map(d -> new TenantPolicy(t, i, m, c, n, dt, mt, r, d)));
    }

    private static Arbitrary<TenantQuota> quotas() {
        Arbitrary<Long> logBytes = mostly(Arbitraries.longs().between(0, 1L << 32), maybe(Arbitraries.of(-1L)));
        Arbitrary<Integer> count = mostly(Arbitraries.integers().between(256, 20_000), maybe(Arbitraries.of(-1, 0, 1, 100)));
        return Combinators.combine(count, count, count, count, logBytes, count)
                .as(TenantQuota::new);
    }
}
