-- The image catalog: which images the platform offers under which name and tag, and the state
-- of each pull. Content lives in the engine replica's store, addressed by digest.
CREATE TABLE images (
    id                uuid PRIMARY KEY,
    name              text        NOT NULL,
    tag               text,
    source            text        NOT NULL,
    state             text        NOT NULL CHECK (state IN ('PULLING', 'READY', 'FAILED')),
    digest            text,
    source_digest     text,
    size_bytes        bigint,
    layers            integer,
    phase             text,
    layers_cached     integer,
    layers_copied     integer,
    bytes_total       bigint,
    bytes_to_transfer bigint,
    transferred_bytes bigint,
    error             text,
    replica           text,
    requested_by      text        NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);

-- One entry per name and tag; entries pinned by digest alone (no tag) may repeat a name.
CREATE UNIQUE INDEX images_name_tag ON images (name, tag);
CREATE INDEX images_digest ON images (digest);
CREATE INDEX images_waiting ON images (updated_at) WHERE state = 'PULLING' AND replica IS NULL;
