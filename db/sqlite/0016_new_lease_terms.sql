-- The terms on which a pool's provider would lease more (api-docs/DEFINITIONS.md#planner): the planner's cheapest
-- extra lease proposes lines only on pools open to new leases, at the stated price (when none is stated, the latest
-- lease line's), each at least the minimum length (an ISO-8601 period of days, weeks, months or years; when none is
-- stated, the programme's default).
ALTER TABLE pool ADD COLUMN closed_to_new_leases INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pool ADD COLUMN new_lease_krw_per_gpu_hour INTEGER NULL;
ALTER TABLE pool ADD COLUMN new_lease_minimum TEXT NULL;
