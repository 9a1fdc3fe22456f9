-- Engine replicas hold leases; every attempt carries the epoch (fencing token) of the lease its
-- replica held when it claimed the job, and every write of the attempt's result checks it.
-- Epochs come from one sequence, so a token is never handed out twice, not even to the same
-- replica after a restart.
CREATE SEQUENCE engine_lease_epoch_seq;

CREATE TABLE engine_leases (
    replica     TEXT        PRIMARY KEY,
    epoch       BIGINT      NOT NULL UNIQUE,
    acquired_at TIMESTAMPTZ NOT NULL,
    renewed_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);

ALTER TABLE jobs ADD COLUMN lease_epoch BIGINT;
ALTER TABLE job_attempts ADD COLUMN lease_epoch BIGINT;
-- The reaper looks for active jobs whose epoch is no live lease; jobs_active covers them by tenant,
-- this by epoch.
CREATE INDEX jobs_active_epoch ON jobs (lease_epoch) WHERE state IN ('STARTING', 'RUNNING');

-- A job's output as it is produced, in chunks any replica serves: a chunk holds the bytes of one
-- stream of one attempt from byte offset `at`. The engine caps each stream (with its truncation
-- marker) before anything is stored, so a stream never passes the cap by more than the marker.
CREATE TABLE job_log_chunks (
    job_id  UUID    NOT NULL REFERENCES jobs (id),
    attempt INTEGER NOT NULL,
    stream  TEXT    NOT NULL CHECK (stream IN ('stdout', 'stderr')),
    at      BIGINT  NOT NULL CHECK (at >= 0),
    data    BYTEA   NOT NULL,
    PRIMARY KEY (job_id, attempt, stream, at)
);
