-- A tenant's stored input uploads get a quota of their own (issue 19); until now only the
-- per-upload caps and retention bounded them. Quotas stored before it get the default of 10 GiB,
-- as TenantQuota gives a quota document without it.
ALTER TABLE tenant_quotas ADD COLUMN upload_bytes BIGINT NOT NULL DEFAULT 10737418240 CHECK (upload_bytes >= 0);
