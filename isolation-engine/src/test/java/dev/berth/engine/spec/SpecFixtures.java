package dev.berth.engine.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.engine.image.ResolvedImage;
import dev.berth.policy.Admission;
import dev.berth.policy.AdmissionContext;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.egress.EgressRule;
import dev.berth.policy.IdRange;
import dev.berth.policy.JobAdmission;
import dev.berth.policy.JobRequest;
import dev.berth.policy.PlatformCeilings;
import dev.berth.policy.ResourceRequest;
import dev.berth.policy.ServiceIdentity;
import dev.berth.policy.seccomp.SeccompProfiles;
import dev.berth.policy.tenant.TenantPolicy;
import dev.berth.policy.tenant.TenantQuota;
import dev.berth.policy.tenant.Tier;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Plans admitted by the real policy and the bundle contexts and specs the engine builds from them,
 * shared by the spec tests. Host IDs are fixed and distinct (service uid and gid differ, the
 * tenant range is far from both) so a test can tell which one landed where; nothing here reads
 * the host.
 */
final class SpecFixtures {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final ServiceIdentity SERVICE = new ServiceIdentity(2_000, 2_001);
    static final IdRange TENANT_RANGE = new IdRange(1_048_576, IdRange.TENANT_RANGE_SIZE);
    static final ResolvedImage IMAGE = new ResolvedImage("busybox", "sha256:" + "ab".repeat(32), Path.of("/var/lib/berth/images/rootfs/ab"));
    static final String CGROUPS_PATH = "/berth/job-1";
    static final Path BUNDLE = Path.of("/var/lib/berth/engine/bundles/job-1");
    static final Path OVERLAY_ROOT = Path.of("/var/lib/berth/engine/bin/berth-overlay-root");
    static final BundleContext.StartGate GATE = new BundleContext.StartGate(BUNDLE, BUNDLE.resolve("state.fifo"), BUNDLE.resolve("verdict.fifo"));
    /** One classic BPF instruction, {@code ret SECCOMP_RET_ERRNO|EPERM}: the smallest real default-deny program. */
    static final String DENY_ALL_PROGRAM = Base64.getEncoder().encodeToString(new byte[] {0x06, 0, 0, 0, 0x01, 0, 0x05, 0});
    /** A network mode a platform could be configured with that this engine does not run. */
    static final String OTHER_NETWORK = "bridge";
    /** A baseline-tier tenant that may have everything the platform can ever grant, egress to one documentation network included. */
    static final TenantPolicy BASELINE_POLICY = new TenantPolicy(Tier.BASELINE.id(), null, null,
            List.copyOf(PlatformCeilings.GRANTABLE_CAPABILITIES),
            List.of(PlatformCeilings.NO_NETWORK, PlatformCeilings.EGRESS_NETWORK, OTHER_NETWORK), null, null, null, null,
            List.of(new EgressRule("198.51.100.0/24", "443", null)));

    private SpecFixtures() {
    }

    /** Runs {@code command} with nothing else asked for, so admission fills in every default. */
    static JobRequest request(String... command) {
        return request(null, null, null, null, command);
    }

    static JobRequest request(Map<String, String> env, String workingDir, Integer user, ResourceRequest resources, String... command) {
        return new JobRequest("busybox", List.of(command), env, workingDir, user, null, resources, null, null, null, null);
    }

    /** Asks for capabilities and a network, which only {@link #BASELINE_POLICY} under {@link #grantingCeilings} admits. */
    static JobRequest privilegedRequest(List<String> capabilities, String network) {
        return new JobRequest("busybox", List.of("true"), null, null, null, capabilities, null, null, null, null, network);
    }

    /** A platform baseline that grants all it ever may: NET_BIND_SERVICE, egress and a network mode this engine refuses. */
    static PlatformCeilings grantingCeilings(int openFiles) {
        PlatformCeilings defaults = PlatformCeilings.defaults();
        return new PlatformCeilings(defaults.defaultCpuMillis(), defaults.maxCpuMillis(), defaults.defaultMemoryMiB(), defaults.maxMemoryMiB(),
                defaults.defaultPids(), defaults.maxPids(), defaults.defaultScratchMiB(), defaults.maxScratchMiB(),
                defaults.defaultTimeoutSeconds(), defaults.maxTimeoutSeconds(), defaults.maxRetries(), openFiles, defaults.defaultUser(),
                PlatformCeilings.GRANTABLE_CAPABILITIES, Set.of(PlatformCeilings.NO_NETWORK, PlatformCeilings.EGRESS_NETWORK, OTHER_NETWORK),
                defaults.seccompProfile());
    }

    /** The plan the default platform and a tenant with the default policy get for the request. */
    static ExecutionPlan admitted(JobRequest request) {
        return admitted(request, PlatformCeilings.defaults(), TenantPolicy.defaults());
    }

    static ExecutionPlan admitted(JobRequest request, PlatformCeilings ceilings, TenantPolicy policy) {
        AdmissionContext context = new AdmissionContext("acme", TENANT_RANGE, SERVICE, policy, TenantQuota.defaults());
        Admission admission = new JobAdmission(ceilings).admit(request, context);
        if (admission instanceof Admission.Admitted admitted) {
            return admitted.plan();
        }
        throw new AssertionError("the fixture's request was refused: " + admission);
    }

    /** The plan with its uid replaced, as no admission would ever make it: for proving the engine refuses what policy should have. */
    static ExecutionPlan runningAs(ExecutionPlan plan, long uid) {
        return new ExecutionPlan(plan.tenant(), plan.image(), plan.command(), plan.env(), plan.workingDir(), uid, plan.gid(),
                plan.uidMappings(), plan.gidMappings(), plan.capabilities(), plan.seccompProfile(), plan.noNewPrivileges(),
                plan.readOnlyRootfs(), plan.limits(), plan.network(), plan.hostname(), plan.timeoutSeconds(), plan.retries(), plan.decisions());
    }

    /** The context the engine builds when the runtime takes the profile as JSON. */
    static BundleContext context(ExecutionPlan plan) {
        return context(plan, GATE, Optional.empty());
    }

    /** The context the engine builds when the profile was compiled ahead for crun's annotation. */
    static BundleContext precompiledContext(ExecutionPlan plan) {
        return context(plan, GATE, Optional.of(DENY_ALL_PROGRAM));
    }

    static BundleContext context(ExecutionPlan plan, BundleContext.StartGate gate, Optional<String> precompiledSeccomp) {
        return new BundleContext(plan, IMAGE, CGROUPS_PATH, gate, SeccompProfiles.byReference(plan.seccompProfile()).orElseThrow(),
                precompiledSeccomp, OVERLAY_ROOT);
    }

    /** What one generator alone writes into an empty spec. */
    static ObjectNode generated(SpecGenerator generator, BundleContext context) {
        ObjectNode spec = MAPPER.createObjectNode();
        generator.generate(context, spec);
        return spec;
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the test's expected JSON does not parse: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The node as its JSON text reads back, for comparing with {@link #json}: a generator's
     * {@code put(name, long)} and a parsed small number are equal only as text.
     */
    static JsonNode normalized(JsonNode node) {
        return json(node.toString());
    }

    /** The whole spec, built and validated exactly as the engine does before writing config.json. */
    static ObjectNode built(BundleContext context) {
        return new OciSpecBuilder(MAPPER).build(context);
    }
}
