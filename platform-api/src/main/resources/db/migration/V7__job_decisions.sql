-- GET /jobs/{id} shows the policy rules that shaped the plan. They are kept beside the plan, so a
-- read takes this small document instead of parsing the whole plan on every request.
ALTER TABLE jobs ADD COLUMN decisions TEXT;
UPDATE jobs SET decisions = (plan_json::jsonb -> 'decisions')::text WHERE plan_json::jsonb ? 'decisions';
