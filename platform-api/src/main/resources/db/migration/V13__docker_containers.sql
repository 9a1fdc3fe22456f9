-- Containers of the Docker Engine API (issue 21). Docker creates a container before it starts it;
-- the container becomes a Berth job (job_id) only when it is started, through the same admission
-- as POST /api/v1/jobs. The request is the job request the Docker options were translated into.
CREATE TABLE docker_containers (
    id           uuid PRIMARY KEY,
    tenant       text        NOT NULL,
    name         text        NOT NULL,
    request_json text        NOT NULL,
    auto_remove  boolean     NOT NULL,
    job_id       uuid REFERENCES jobs (id),
    created_at   timestamptz NOT NULL,
    UNIQUE (tenant, name)
);
CREATE INDEX docker_containers_job ON docker_containers (job_id);
