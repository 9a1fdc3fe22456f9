package dev.berth.policy;

import dev.berth.policy.data.JobData;
import dev.berth.policy.egress.EgressRule;
import java.util.List;
import java.util.Map;

/**
 * A fully resolved, hardened description of how one job runs. The isolation engine turns it into
 * an OCI bundle without making any security decision of its own.
 *
 * @param egress         in network mode {@code egress}, the destinations the job may reach (normalized); empty otherwise
 * @param seccompProfile the seccomp profile as {@code name@sha256:digest}; the engine refuses a plan
 *                       whose digest its build does not have, rather than run it under another text
 */
public record ExecutionPlan(
        String tenant,
        String image,
        List<String> command,
        Map<String, String> env,
        String workingDir,
        long uid,
        long gid,
        List<IdMapping> uidMappings,
        List<IdMapping> gidMappings,
        List<String> capabilities,
        String seccompProfile,
        boolean noNewPrivileges,
        boolean readOnlyRootfs,
        Limits limits,
        String network,
        String hostname,
        int timeoutSeconds,
        int retries,
        List<Decision> decisions,
        JobData data,
        List<EgressRule> egress) {

    /** A plan for a job that carries nothing but its command. */
    public ExecutionPlan(String tenant, String image, List<String> command, Map<String, String> env, String workingDir, long uid,
                         long gid, List<IdMapping> uidMappings, List<IdMapping> gidMappings, List<String> capabilities,
                         String seccompProfile, boolean noNewPrivileges, boolean readOnlyRootfs, Limits limits, String network,
                         String hostname, int timeoutSeconds, int retries, List<Decision> decisions) {
        this(tenant, image, command, env, workingDir, uid, gid, uidMappings, gidMappings, capabilities, seccompProfile,
                noNewPrivileges, readOnlyRootfs, limits, network, hostname, timeoutSeconds, retries, decisions, JobData.NONE, List.of());
    }

    /** A plan without egress destinations. */
    public ExecutionPlan(String tenant, String image, List<String> command, Map<String, String> env, String workingDir, long uid,
                         long gid, List<IdMapping> uidMappings, List<IdMapping> gidMappings, List<String> capabilities,
                         String seccompProfile, boolean noNewPrivileges, boolean readOnlyRootfs, Limits limits, String network,
                         String hostname, int timeoutSeconds, int retries, List<Decision> decisions, JobData data) {
        this(tenant, image, command, env, workingDir, uid, gid, uidMappings, gidMappings, capabilities, seccompProfile,
                noNewPrivileges, readOnlyRootfs, limits, network, hostname, timeoutSeconds, retries, decisions, data, List.of());
    }

    public ExecutionPlan {
        data = data == null ? JobData.NONE : data;
        command = List.copyOf(command);
        env = Map.copyOf(env);
        uidMappings = List.copyOf(uidMappings);
        gidMappings = List.copyOf(gidMappings);
        capabilities = List.copyOf(capabilities);
        decisions = List.copyOf(decisions);
        egress = egress == null ? List.of() : List.copyOf(egress);
    }

    /**
     * The same plan pinned to an image reference that carries the digest the platform resolved
     * at admission, so a tag moved later cannot change what this job runs.
     */
    public ExecutionPlan withImage(String pinned) {
        return new ExecutionPlan(tenant, pinned, command, env, workingDir, uid, gid, uidMappings, gidMappings, capabilities,
                seccompProfile, noNewPrivileges, readOnlyRootfs, limits, network, hostname, timeoutSeconds, retries, decisions, data, egress);
    }

    /** The same plan with its data as the platform resolved it (an upload's size, known once the upload is looked up). */
    public ExecutionPlan withData(JobData resolved) {
        return new ExecutionPlan(tenant, image, command, env, workingDir, uid, gid, uidMappings, gidMappings, capabilities,
                seccompProfile, noNewPrivileges, readOnlyRootfs, limits, network, hostname, timeoutSeconds, retries, decisions, resolved, egress);
    }
}
