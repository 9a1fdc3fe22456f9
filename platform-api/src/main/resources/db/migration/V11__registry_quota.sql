-- A tenant's storage in the platform's image registry (issue 18). Quotas stored before it existed
-- get the default of 10 GiB, as TenantQuota gives a quota document without it.
ALTER TABLE tenant_quotas ADD COLUMN registry_bytes BIGINT NOT NULL DEFAULT 10737418240 CHECK (registry_bytes >= 0);
