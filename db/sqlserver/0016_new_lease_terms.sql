-- The terms on which a pool's provider would lease more (api-docs/DEFINITIONS.md#planner): the planner's cheapest
-- extra lease proposes lines only on pools open to new leases, at the stated price (when none is stated, the latest
-- lease line's), each at least the minimum length (an ISO-8601 period of days, weeks, months or years; when none is
-- stated, the programme's default).
ALTER TABLE dbo.pool ADD closed_to_new_leases BIGINT NOT NULL CONSTRAINT df_pool_closed_to_new_leases DEFAULT 0,
    new_lease_krw_per_gpu_hour BIGINT NULL, new_lease_minimum NVARCHAR(40) NULL;
