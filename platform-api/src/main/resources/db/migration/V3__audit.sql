-- Tamper-evident audit log. Events are chained by hash (h_i = SHA-256(canonical(e_i) || h_(i-1)),
-- see dev.berth.api.audit.chain); signed checkpoints live in their own table; the head row is the
-- one lock every writer takes, which keeps the chain linear under concurrent transactions.

CREATE TABLE audit_events (
    seq             BIGINT PRIMARY KEY CHECK (seq >= 1),
    occurred_at     TIMESTAMPTZ NOT NULL,
    actor_subject   TEXT        NOT NULL,
    actor_username  TEXT,
    actor_roles     TEXT[]      NOT NULL,
    tenant          TEXT,
    action          TEXT        NOT NULL,
    target          TEXT,
    outcome         TEXT        NOT NULL,
    reason          TEXT,
    rule_ids        TEXT[]      NOT NULL,
    request_id      TEXT,
    source_address  TEXT,
    user_agent      TEXT,
    security_digest TEXT,
    hash            BYTEA       NOT NULL CHECK (length(hash) = 32)
);

-- Review queries: newest first, by tenant and time range, or by time alone; keyset pagination on (occurred_at, seq).
CREATE INDEX audit_events_tenant_time ON audit_events (tenant, occurred_at, seq);
CREATE INDEX audit_events_time ON audit_events (occurred_at, seq);
CREATE INDEX audit_events_actor_time ON audit_events (actor_subject, occurred_at, seq);

CREATE TABLE audit_head (
    only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    seq      BIGINT  NOT NULL,
    hash     BYTEA   NOT NULL CHECK (length(hash) = 32)
);
INSERT INTO audit_head (seq, hash) VALUES (0, decode(repeat('00', 32), 'hex'));

-- Kept apart from the events: a checkpoint is signed with a key the database never holds.
CREATE TABLE audit_checkpoints (
    seq       BIGINT PRIMARY KEY CHECK (seq >= 1),
    hash      BYTEA       NOT NULL CHECK (length(hash) = 32),
    signed_at TIMESTAMPTZ NOT NULL,
    key_id    TEXT        NOT NULL,
    signature BYTEA       NOT NULL
);

-- Append-only. The trigger binds every role, the table owner included (the embedded database
-- runs as one superuser); only a superuser who disables the trigger gets past it, and
-- verification then finds the change.
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % is refused: the audit log is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'audit records are never changed or removed; record a new event instead';
END
$$;

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- Privileges as a second wall where the platform connects as a role that does not own the tables
-- (production: the owner runs migrations, the application role only reads and appends).
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events, audit_checkpoints FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'berth_app') THEN
        GRANT SELECT, INSERT ON audit_events, audit_checkpoints TO berth_app;
        REVOKE UPDATE, DELETE, TRUNCATE ON audit_events, audit_checkpoints FROM berth_app;
        GRANT SELECT, UPDATE ON audit_head TO berth_app;
    END IF;
END
$$;
