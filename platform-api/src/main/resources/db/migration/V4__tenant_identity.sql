-- A provisioned tenant's identity: its display name and the Keycloak Organization (alias = tenant
-- ID) that carries its members. Tenants registered on first sight by the embedded issuer have none.
CREATE TABLE tenant_identities (
    tenant          TEXT PRIMARY KEY REFERENCES tenants (id),
    display_name    TEXT        NOT NULL,
    organization_id TEXT UNIQUE,
    provisioned_by  TEXT        NOT NULL,
    provisioned_at  TIMESTAMPTZ NOT NULL
);
