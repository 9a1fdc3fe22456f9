-- A tenant's stored artifacts get a quota of their own (issue 19); until now they were bounded by
-- its logBytes. Quotas stored before it get the default of 1 GiB, as TenantQuota gives a quota
-- document without it.
ALTER TABLE tenant_quotas ADD COLUMN artifact_bytes BIGINT NOT NULL DEFAULT 1073741824 CHECK (artifact_bytes >= 0);
