package dev.berth.policy;

import java.util.List;

/**
 * Builds a job's user namespace maps. Container ID 0 maps to the service account because rootless
 * cgroup v1 delegation only works that way; the job itself never runs as 0. Container IDs
 * 1–65535 map into the tenant's own range, so no two tenants share a host ID.
 */
final class IdMapPlanner {

    private static final long CONTAINER_IDS_ABOVE_ROOT = IdRange.TENANT_RANGE_SIZE - 1;

    private IdMapPlanner() {
    }

    static List<IdMapping> uidMappings(AdmissionContext context) {
        return mappings(context.service().uid(), context.tenantRange());
    }

    static List<IdMapping> gidMappings(AdmissionContext context) {
        return mappings(context.service().gid(), context.tenantRange());
    }

    private static List<IdMapping> mappings(long serviceId, IdRange range) {
        return List.of(
                new IdMapping(0, serviceId, 1),
                new IdMapping(1, range.hostStart() + 1, CONTAINER_IDS_ABOVE_ROOT));
    }
}
