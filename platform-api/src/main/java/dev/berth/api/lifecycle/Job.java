package dev.berth.api.lifecycle;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A submitted job: what was asked, the plan it was admitted with, and what became of it. Read-only
 * to the ORM: {@link JobLifecycle} makes every change with its own statements, so no code that
 * merely holds a job can change it behind the lifecycle's back.
 */
@Entity
@Immutable
@Table(name = "jobs")
public class Job {

    @Id
    public UUID id;

    @Column(nullable = false, updatable = false)
    public String tenant;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public JobState state;

    @Enumerated(EnumType.STRING)
    public JobReason reason;

    public String detail;

    @Column(name = "exit_code")
    public Integer exitCode;

    @Column(nullable = false, updatable = false)
    public String image;

    @Column(name = "image_digest")
    public String imageDigest;

    /** The request as submitted (JSON). */
    @Column(name = "request_json", nullable = false, updatable = false)
    public String requestJson;

    /** The admitted execution plan (JSON); the dispatcher runs exactly this. */
    @Column(name = "plan_json", nullable = false, updatable = false)
    public String planJson;

    /** The policy rules that shaped the plan, as in the plan (JSON), so that reads need not parse the plan. */
    @Column(updatable = false)
    public String decisions;

    /** What the job carries besides its command (digests, paths, secret names), as in the plan; null when nothing. */
    @Column(name = "data_json", updatable = false)
    public String dataJson;

    /** What the engine found in force once the container was created (JSON). */
    @Column(name = "security_json")
    public String securityJson;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    @Column(name = "cpu_seconds")
    public Double cpuSeconds;

    @Column(name = "peak_memory_bytes")
    public Long peakMemoryBytes;

    @Column(name = "wall_seconds")
    public Double wallSeconds;

    /** The admitted limits again as columns, so quota and capacity sums stay in SQL. */
    @Column(name = "cpu_millis", nullable = false, updatable = false)
    public int cpuMillis;

    @Column(name = "memory_mib", nullable = false, updatable = false)
    public int memoryMiB;

    @Column(nullable = false, updatable = false)
    public int pids;

    /** The request's labels as a JSON object. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, updatable = false)
    public String labels;

    /** One plus the retries the plan allows. */
    @Column(name = "max_attempts", nullable = false, updatable = false)
    public int maxAttempts;

    /** A queued retry waits until then (exponential backoff). */
    @Column(name = "not_before")
    public Instant notBefore;

    /** The replica that claimed the job last. */
    public String runner;

    /** The fencing token of the latest attempt: the epoch of the lease its replica held when it claimed the job. */
    @Column(name = "lease_epoch")
    public Long leaseEpoch;

    @Column(name = "cancel_requested_at")
    public Instant cancelRequestedAt;

    /** Bytes of captured output kept for this job, over all attempts. */
    @Column(name = "log_bytes", nullable = false)
    public long logBytes;

    /** When retention removed the job's logs. */
    @Column(name = "logs_deleted_at")
    public Instant logsDeletedAt;
}
