-- Job lifecycle: what the dispatcher needs to enforce quotas and host capacity in SQL, retries
-- with backoff, cancel requests, labels for listing, and the replica that runs each job.
ALTER TABLE jobs
    ADD COLUMN cpu_millis          INTEGER,
    ADD COLUMN memory_mib          INTEGER,
    ADD COLUMN pids                INTEGER,
    ADD COLUMN labels              JSONB       NOT NULL DEFAULT '{}',
    ADD COLUMN max_attempts        INTEGER     NOT NULL DEFAULT 1 CHECK (max_attempts >= 1),
    ADD COLUMN not_before          TIMESTAMPTZ,
    ADD COLUMN runner              TEXT,
    ADD COLUMN cancel_requested_at TIMESTAMPTZ,
    ADD COLUMN log_bytes           BIGINT      NOT NULL DEFAULT 0,
    ADD COLUMN logs_deleted_at     TIMESTAMPTZ;

-- Jobs stored before this migration carry their limits only inside the plan.
UPDATE jobs SET cpu_millis   = (plan_json::jsonb #>> '{limits,cpuMillis}')::INTEGER,
                memory_mib   = ((plan_json::jsonb #>> '{limits,memoryBytes}')::BIGINT / 1048576)::INTEGER,
                pids         = (plan_json::jsonb #>> '{limits,pids}')::INTEGER,
                max_attempts = 1 + COALESCE((plan_json::jsonb ->> 'retries')::INTEGER, 0),
                labels       = COALESCE(request_json::jsonb -> 'labels', '{}'::jsonb);
UPDATE jobs SET labels = '{}' WHERE jsonb_typeof(labels) <> 'object';
ALTER TABLE jobs
    ALTER COLUMN cpu_millis SET NOT NULL,
    ALTER COLUMN memory_mib SET NOT NULL,
    ALTER COLUMN pids SET NOT NULL;

-- The claim probes each tenant's oldest queued job; the old platform-wide queue index is unused.
DROP INDEX jobs_queued;
CREATE INDEX jobs_queued_by_tenant ON jobs (tenant, created_at) WHERE state = 'QUEUED';
-- Quota and capacity sums walk only the (few) starting and running jobs.
CREATE INDEX jobs_active ON jobs (tenant) WHERE state IN ('STARTING', 'RUNNING');
-- Listing: newest first with a (created_at, id) cursor, optionally by state or labels.
DROP INDEX jobs_tenant_created;
CREATE INDEX jobs_tenant_page ON jobs (tenant, created_at DESC, id DESC);
CREATE INDEX jobs_tenant_state_page ON jobs (tenant, state, created_at DESC, id DESC);
CREATE INDEX jobs_labels ON jobs USING GIN (labels jsonb_path_ops);
-- Log retention finds finished jobs whose logs are still kept.
CREATE INDEX jobs_logs_kept ON jobs (tenant, finished_at) WHERE logs_deleted_at IS NULL AND finished_at IS NOT NULL;

-- Every attempt of every job, as it happened.
CREATE TABLE job_attempts (
    job_id            UUID        NOT NULL REFERENCES jobs (id),
    attempt           INTEGER     NOT NULL CHECK (attempt >= 1),
    tenant            TEXT        NOT NULL,
    runner            TEXT        NOT NULL,
    claimed_at        TIMESTAMPTZ NOT NULL,
    started_at        TIMESTAMPTZ,
    finished_at       TIMESTAMPTZ,
    outcome           TEXT,
    reason            TEXT,
    detail            TEXT,
    exit_code         INTEGER,
    cpu_seconds       DOUBLE PRECISION,
    peak_memory_bytes BIGINT,
    wall_seconds      DOUBLE PRECISION,
    PRIMARY KEY (job_id, attempt)
);
-- jobsPerHour counts a tenant's claims in the last hour.
CREATE INDEX job_attempts_tenant_claimed ON job_attempts (tenant, claimed_at);

-- Round robin between tenants: the tenant claimed longest ago goes first. A tenant gets its row
-- with its first submission ('-infinity': a newcomer goes first); the claim walks this index in
-- order and stops at the first tenant with a job that fits.
CREATE TABLE dispatch_turns (
    tenant          TEXT        PRIMARY KEY,
    last_claimed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX dispatch_turns_order ON dispatch_turns (last_claimed_at, tenant);
INSERT INTO dispatch_turns (tenant, last_claimed_at) SELECT DISTINCT tenant, '-infinity'::timestamptz FROM jobs WHERE state = 'QUEUED';

-- What each tenant's jobs consumed in total, added up as attempts end.
CREATE TABLE tenant_usage (
    tenant            TEXT             PRIMARY KEY,
    attempts          BIGINT           NOT NULL,
    cpu_seconds       DOUBLE PRECISION NOT NULL,
    wall_seconds      DOUBLE PRECISION NOT NULL,
    peak_memory_bytes BIGINT           NOT NULL
);

-- Idempotency-Key of POST /jobs: the first request's fingerprint and job, kept for 24 hours.
-- The key row is written before the job in the same transaction, hence the deferred reference.
CREATE TABLE idempotency_keys (
    tenant         TEXT        NOT NULL,
    key            TEXT        NOT NULL,
    request_sha256 TEXT        NOT NULL,
    job_id         UUID        NOT NULL REFERENCES jobs (id) DEFERRABLE INITIALLY DEFERRED,
    created_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
