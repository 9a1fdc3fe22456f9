package dev.berth.api.policy;

import dev.berth.policy.tenant.TenantQuota;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A tenant's quota as a platform admin stored it. */
@Entity
@Table(name = "tenant_quotas")
public class StoredQuota {

    @Id
    public String tenant;

    @Column(name = "concurrent_jobs", nullable = false)
    public int concurrentJobs;

    @Column(name = "cpu_millis", nullable = false)
    public int cpuMillis;

    @Column(name = "memory_mib", nullable = false)
    public int memoryMiB;

    @Column(nullable = false)
    public int pids;

    @Column(name = "log_bytes", nullable = false)
    public long logBytes;

    @Column(name = "jobs_per_hour", nullable = false)
    public int jobsPerHour;

    @Column(name = "registry_bytes", nullable = false)
    public long registryBytes;

    @Column(name = "artifact_bytes", nullable = false)
    public long artifactBytes;

    @Column(name = "upload_bytes", nullable = false)
    public long uploadBytes;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    TenantQuota toQuota() {
        return new TenantQuota(concurrentJobs, cpuMillis, memoryMiB, pids, logBytes, jobsPerHour, registryBytes, artifactBytes, uploadBytes);
    }

    void set(TenantQuota quota) {
        concurrentJobs = quota.concurrentJobs();
        cpuMillis = quota.cpuMillis();
        memoryMiB = quota.memoryMiB();
        pids = quota.pids();
        logBytes = quota.logBytes();
        jobsPerHour = quota.jobsPerHour();
        registryBytes = quota.registryBytes();
        artifactBytes = quota.artifactBytes();
        uploadBytes = quota.uploadBytes();
    }
}
