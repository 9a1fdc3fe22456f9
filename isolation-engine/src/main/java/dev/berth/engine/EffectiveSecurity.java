package dev.berth.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.berth.engine.network.EgressView;
import dev.berth.policy.IdMapping;
import dev.berth.policy.Limits;
import java.util.List;

/**
 * The isolation actually in force for a job, read from the kernel (ID maps, cgroup limits) after
 * the container was created and before the job's own code ran. {@code egress} is null unless the
 * job runs in network mode egress: then what its network may reach, read back like the limits.
 */
public record EffectiveSecurity(
        List<IdMapping> uidMappings,
        List<IdMapping> gidMappings,
        long user,
        List<String> capabilities,
        String seccompProfile,
        boolean noNewPrivileges,
        boolean readOnlyRootfs,
        Limits limits,
        String network,
        String cgroupVersion,
        @JsonInclude(JsonInclude.Include.NON_NULL) EgressView egress) {
}
