-- Usage over time, per tenant, in hourly and daily buckets: what the console draws. Written only
-- by usage.history.UsageHistory, in the transaction of the job transition it counts; each tenant
-- keeps a bounded number of buckets (older ones are removed when a new bucket opens).
CREATE TABLE usage_buckets (
    tenant             TEXT             NOT NULL,
    period             TEXT             NOT NULL CHECK (period IN ('hour', 'day')),
    bucket_start       TIMESTAMPTZ      NOT NULL,
    jobs_started       INTEGER          NOT NULL DEFAULT 0,
    jobs_succeeded     INTEGER          NOT NULL DEFAULT 0,
    jobs_failed        INTEGER          NOT NULL DEFAULT 0,
    jobs_cancelled     INTEGER          NOT NULL DEFAULT 0,
    cpu_seconds        DOUBLE PRECISION NOT NULL DEFAULT 0,
    peak_memory_bytes  BIGINT           NOT NULL DEFAULT 0,
    queue_waits        INTEGER          NOT NULL DEFAULT 0,
    queue_wait_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
    queue_wait_max     DOUBLE PRECISION NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, period, bucket_start)
);
