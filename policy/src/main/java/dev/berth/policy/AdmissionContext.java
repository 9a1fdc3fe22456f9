package dev.berth.policy;

import dev.berth.policy.tenant.TenantPolicy;
import dev.berth.policy.tenant.TenantQuota;
import java.util.Objects;

/** Who is asking, where their jobs may live on the host, and what their policy and quota allow. */
public record AdmissionContext(String tenant, IdRange tenantRange, ServiceIdentity service, TenantPolicy policy, TenantQuota quota) {

    public AdmissionContext {
        Objects.requireNonNull(tenant);
        Objects.requireNonNull(tenantRange);
        Objects.requireNonNull(service);
        Objects.requireNonNull(policy);
        Objects.requireNonNull(quota);
        // A job uid mapped onto the service account could signal or ptrace the platform itself.
        if (contains(tenantRange, service.uid()) || contains(tenantRange, service.gid())) {
            throw new IllegalArgumentException("tenant " + tenant + "'s host ID range " + tenantRange.hostStart() + "-"
                    + tenantRange.hostEnd() + " holds the service account's own uid or gid; give the service user a "
                    + "subordinate block in /etc/subuid and /etc/subgid that does not include its own IDs");
        }
    }

    private static boolean contains(IdRange range, long id) {
        return id >= range.hostStart() && id <= range.hostEnd();
    }

    /** A tenant nobody has configured yet: the default policy and quota. */
    public AdmissionContext(String tenant, IdRange tenantRange, ServiceIdentity service) {
        this(tenant, tenantRange, service, TenantPolicy.defaults(), TenantQuota.defaults());
    }
}
