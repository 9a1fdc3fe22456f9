package dev.berth.policy;

import dev.berth.policy.tenant.PerJobMaxima;
import dev.berth.policy.tenant.TenantPolicy;
import dev.berth.policy.tenant.TenantQuota;

/** Resolves a job's resources, timeout and retries against the ceilings, the policy and the quota. */
final class LimitResolver {

    private static final long MIB = 1024L * 1024L;

    private final PlatformCeilings ceilings;
    private final AdmissionContext context;
    private final Findings findings;

    LimitResolver(PlatformCeilings ceilings, AdmissionContext context, Findings findings) {
        this.ceilings = ceilings;
        this.context = context;
        this.findings = findings;
    }

    Limits limits(ResourceRequest requested) {
        ResourceRequest resources = requested == null ? new ResourceRequest(null, null, null, null) : requested;
        String tenant = context.tenant();
        PerJobMaxima maxima = context.policy().maxResources();
        TenantQuota quota = context.quota();
        int cpu = new Bounded("resources.cpuMillis", "resources.cpu", " millicores", ResourceRequest.MIN_CPU_MILLIS, tenant)
                .ceiling(ceilings.maxCpuMillis()).policy(maxima.cpuMillis()).quota(quota.cpuMillis(), "cpu")
                .resolve(resources.cpuMillis(), ceilings.defaultCpuMillis(), "the platform default", findings);
        int memory = new Bounded("resources.memoryMiB", "resources.memory", " MiB", ResourceRequest.MIN_MEMORY_MIB, tenant)
                .ceiling(ceilings.maxMemoryMiB()).policy(maxima.memoryMiB()).quota(quota.memoryMiB(), "memory")
                .resolve(resources.memoryMiB(), ceilings.defaultMemoryMiB(), "the platform default", findings);
        int pids = new Bounded("resources.pids", "resources.pids", " processes", ResourceRequest.MIN_PIDS, tenant)
                .ceiling(ceilings.maxPids()).policy(maxima.pids()).quota(quota.pids(), "pids")
                .resolve(resources.pids(), ceilings.defaultPids(), "the platform default", findings);
        int scratch = new Bounded("resources.scratchMiB", "resources.scratch", " MiB", ResourceRequest.MIN_SCRATCH_MIB, tenant)
                .ceiling(ceilings.maxScratchMiB()).policy(maxima.scratchMiB())
                .resolve(resources.scratchMiB(), ceilings.defaultScratchMiB(), "the platform default", findings);
        return new Limits(cpu, memory * MIB, pids, ceilings.openFiles(), scratch * MIB);
    }

    int timeoutSeconds(Integer requested) {
        TenantPolicy policy = context.policy();
        String tenant = context.tenant();
        boolean tenantDefault = policy.defaultTimeoutSeconds() != null;
        return new Bounded("timeoutSeconds", "timeout", " s", 1, tenant)
                .ceiling(ceilings.maxTimeoutSeconds()).policy(policy.maxTimeoutSeconds())
                .resolve(requested, tenantDefault ? policy.defaultTimeoutSeconds() : ceilings.defaultTimeoutSeconds(),
                        tenantDefault ? "tenant " + tenant + "'s default" : "the platform default", findings);
    }

    int retries(Integer requested) {
        return new Bounded("retries", "retries", "", 0, context.tenant())
                .ceiling(ceilings.maxRetries()).policy(context.policy().maxRetries())
                .resolve(requested, 0, "no retries unless asked", findings);
    }
}
