-- Job data (issue 19): uploaded inputs, stdin and inline files, collected artifacts, tenant secrets.

-- Large byte content (uploaded input tars, artifacts) in chunks of at most 1 MiB, so that it is
-- written and read as a stream by any replica and never held whole in memory.
CREATE TABLE data_blobs (
    id         uuid PRIMARY KEY,
    tenant     text        NOT NULL,
    bytes      bigint      NOT NULL,
    sha256     text        NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE TABLE data_blob_chunks (
    blob_id uuid    NOT NULL REFERENCES data_blobs (id) ON DELETE CASCADE,
    seq     integer NOT NULL,
    data    bytea   NOT NULL,
    PRIMARY KEY (blob_id, seq)
);

-- A tar a tenant uploaded for its jobs' inputs, checked by the image layers' entry rules.
CREATE TABLE input_uploads (
    id             uuid PRIMARY KEY,
    tenant         text        NOT NULL,
    blob_id        uuid        NOT NULL REFERENCES data_blobs (id),
    unpacked_bytes bigint      NOT NULL,
    created_at     timestamptz NOT NULL
);
CREATE INDEX input_uploads_tenant ON input_uploads (tenant, created_at);

-- A job's stdin and inline input files (small: capped by policy), kept apart from its plan,
-- which names them by digest only.
CREATE TABLE job_payloads (
    job_id  uuid  NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    kind    text  NOT NULL CHECK (kind IN ('stdin', 'file')),
    name    text  NOT NULL,
    content bytea NOT NULL,
    PRIMARY KEY (job_id, kind, name)
);

-- What was collected after each attempt; notes say what a cap or a symlink kept out.
CREATE TABLE job_artifacts (
    job_id     uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    attempt    integer     NOT NULL,
    name       text        NOT NULL,
    bytes      bigint      NOT NULL,
    sha256     text        NOT NULL,
    blob_id    uuid        NOT NULL REFERENCES data_blobs (id),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (job_id, attempt, name)
);
CREATE TABLE job_artifact_notes (
    job_id  uuid    NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    attempt integer NOT NULL,
    seq     integer NOT NULL,
    note    text    NOT NULL,
    PRIMARY KEY (job_id, attempt, seq)
);
CREATE INDEX job_artifacts_blob ON job_artifacts (blob_id);

-- Secret values are AES-256-GCM ciphertext under a key file outside the database; the
-- associated data binds each to its tenant, name and version.
CREATE TABLE tenant_secrets (
    tenant     text        NOT NULL,
    name       text        NOT NULL,
    version    integer     NOT NULL,
    key_id     text        NOT NULL,
    nonce      bytea       NOT NULL,
    ciphertext bytea       NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant, name)
);

-- Jobs whose artifacts retention removed: their listing answers 410 from then on.
CREATE TABLE job_artifacts_expired (
    job_id     uuid PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
    expired_at timestamptz NOT NULL
);

-- GET /jobs/{id} shows what a job carries (digests, paths, secret names), kept beside the plan
-- like its decisions (V7) so that reads need not parse the plan.
ALTER TABLE jobs ADD COLUMN data_json text;
