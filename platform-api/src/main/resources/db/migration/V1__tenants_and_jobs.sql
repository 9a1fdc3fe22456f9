-- Tenant host ID ranges: a slot comes from a sequence and is never handed out twice.
CREATE SEQUENCE tenant_range_slot_seq START WITH 0 MINVALUE 0;

CREATE TABLE tenants (
    id             TEXT PRIMARY KEY,
    range_slot     BIGINT      NOT NULL UNIQUE,
    id_range_start BIGINT      NOT NULL UNIQUE,
    id_range_size  BIGINT      NOT NULL CHECK (id_range_size >= 65536),
    created_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE jobs (
    id                UUID PRIMARY KEY,
    tenant            TEXT        NOT NULL REFERENCES tenants (id),
    state             TEXT        NOT NULL CHECK (state IN ('QUEUED', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    reason            TEXT,
    detail            TEXT,
    exit_code         INTEGER,
    image             TEXT        NOT NULL,
    image_digest      TEXT,
    request_json      TEXT        NOT NULL,
    plan_json         TEXT        NOT NULL,
    security_json     TEXT,
    attempts          INTEGER     NOT NULL DEFAULT 0,
    created_at        TIMESTAMPTZ NOT NULL,
    started_at        TIMESTAMPTZ,
    finished_at       TIMESTAMPTZ,
    cpu_seconds       DOUBLE PRECISION,
    peak_memory_bytes BIGINT,
    wall_seconds      DOUBLE PRECISION
);

-- The dispatcher's claim query walks queued jobs oldest first.
CREATE INDEX jobs_queued ON jobs (created_at) WHERE state = 'QUEUED';
CREATE INDEX jobs_tenant_created ON jobs (tenant, created_at DESC);
