-- Day rollups of the hourly idle facts (UTC days), kept by detect-idle in the same transaction as the hours they sum.
-- A month in any zone whose offset is whole hours is its whole UTC days from these tables plus the few hours at its
-- edges from the hourly tables: a year-long report reads about a twentieth of the rows.
CREATE TABLE dbo.idle_day_fact (
    pool_id BIGINT NOT NULL REFERENCES dbo.pool (id),
    day_unix BIGINT NOT NULL,
    leased_gs BIGINT NOT NULL,
    allocated_gs BIGINT NOT NULL,
    used_gs BIGINT NOT NULL,
    excess_gs BIGINT NOT NULL,
    allocated_unused_gs BIGINT NOT NULL,
    unallocated_gs BIGINT NOT NULL,
    low_util_gs BIGINT NOT NULL,
    leased_num BIGINT NOT NULL,
    used_num BIGINT NOT NULL,
    allocated_unused_num BIGINT NOT NULL,
    unallocated_num BIGINT NOT NULL,
    low_util_num BIGINT NOT NULL,
    leased_meg BIGINT NOT NULL,
    used_meg BIGINT NOT NULL,
    allocated_unused_meg BIGINT NOT NULL,
    unallocated_meg BIGINT NOT NULL,
    PRIMARY KEY (pool_id, day_unix)
);
CREATE TABLE dbo.idle_team_day_fact (
    pool_id BIGINT NOT NULL REFERENCES dbo.pool (id),
    team_id BIGINT NOT NULL REFERENCES dbo.team (id),
    day_unix BIGINT NOT NULL,
    allocated_gs BIGINT NOT NULL,
    used_gs BIGINT NOT NULL,
    allocated_unused_gs BIGINT NOT NULL,
    low_util_gs BIGINT NOT NULL,
    used_num BIGINT NOT NULL,
    allocated_unused_num BIGINT NOT NULL,
    low_util_num BIGINT NOT NULL,
    used_meg BIGINT NOT NULL,
    allocated_unused_meg BIGINT NOT NULL,
    PRIMARY KEY (pool_id, team_id, day_unix)
);
CREATE INDEX ix_idle_day_fact_day ON dbo.idle_day_fact (day_unix);
CREATE INDEX ix_idle_team_day_fact_day ON dbo.idle_team_day_fact (day_unix);

INSERT INTO dbo.idle_day_fact (pool_id, day_unix, leased_gs, allocated_gs, used_gs, excess_gs, allocated_unused_gs, unallocated_gs, low_util_gs, leased_num, used_num, allocated_unused_num, unallocated_num, low_util_num, leased_meg, used_meg, allocated_unused_meg, unallocated_meg)
SELECT pool_id, hour_unix - (hour_unix % 86400), SUM(leased_gs), SUM(allocated_gs), SUM(used_gs), SUM(excess_gs), SUM(allocated_unused_gs), SUM(unallocated_gs), SUM(low_util_gs), SUM(leased_num), SUM(used_num), SUM(allocated_unused_num), SUM(unallocated_num), SUM(low_util_num), SUM(leased_meg), SUM(used_meg), SUM(allocated_unused_meg), SUM(unallocated_meg)
FROM dbo.idle_fact GROUP BY pool_id, hour_unix - (hour_unix % 86400);
INSERT INTO dbo.idle_team_day_fact (pool_id, team_id, day_unix, allocated_gs, used_gs, allocated_unused_gs, low_util_gs, used_num, allocated_unused_num, low_util_num, used_meg, allocated_unused_meg)
SELECT pool_id, team_id, hour_unix - (hour_unix % 86400), SUM(allocated_gs), SUM(used_gs), SUM(allocated_unused_gs), SUM(low_util_gs), SUM(used_num), SUM(allocated_unused_num), SUM(low_util_num), SUM(used_meg), SUM(allocated_unused_meg)
FROM dbo.idle_team_fact GROUP BY pool_id, team_id, hour_unix - (hour_unix % 86400);
