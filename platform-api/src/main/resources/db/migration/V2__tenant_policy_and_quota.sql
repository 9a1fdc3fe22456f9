-- A tenant's policy as a platform admin last stored it; without a row the default policy applies.
-- Stored as the validated JSON document, so what GET returns is exactly what admission applies.
CREATE TABLE tenant_policies (
    tenant      TEXT        PRIMARY KEY REFERENCES tenants (id),
    policy_json TEXT        NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    updated_by  TEXT        NOT NULL
);

-- A tenant's quota; without a row the default quota applies. Columns rather than JSON so the
-- dispatcher can compare them with the usage of running jobs in one query.
CREATE TABLE tenant_quotas (
    tenant          TEXT        PRIMARY KEY REFERENCES tenants (id),
    concurrent_jobs INTEGER     NOT NULL CHECK (concurrent_jobs >= 0),
    cpu_millis      INTEGER     NOT NULL CHECK (cpu_millis >= 0),
    memory_mib      INTEGER     NOT NULL CHECK (memory_mib >= 0),
    pids            INTEGER     NOT NULL CHECK (pids >= 0),
    log_bytes       BIGINT      NOT NULL CHECK (log_bytes >= 0),
    jobs_per_hour   INTEGER     NOT NULL CHECK (jobs_per_hour >= 0),
    updated_at      TIMESTAMPTZ NOT NULL,
    updated_by      TEXT        NOT NULL
);
