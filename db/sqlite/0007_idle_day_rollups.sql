-- Day rollups of the hourly idle facts (UTC days), kept by detect-idle in the same transaction as the hours they sum.
-- A month in any zone whose offset is whole hours is its whole UTC days from these tables plus the few hours at its
-- edges from the hourly tables: a year-long report reads about a twentieth of the rows.
CREATE TABLE idle_day_fact (
    pool_id INTEGER NOT NULL REFERENCES pool (id),
    day_unix INTEGER NOT NULL,
    leased_gs INTEGER NOT NULL,
    allocated_gs INTEGER NOT NULL,
    used_gs INTEGER NOT NULL,
    excess_gs INTEGER NOT NULL,
    allocated_unused_gs INTEGER NOT NULL,
    unallocated_gs INTEGER NOT NULL,
    low_util_gs INTEGER NOT NULL,
    leased_num INTEGER NOT NULL,
    used_num INTEGER NOT NULL,
    allocated_unused_num INTEGER NOT NULL,
    unallocated_num INTEGER NOT NULL,
    low_util_num INTEGER NOT NULL,
    leased_meg INTEGER NOT NULL,
    used_meg INTEGER NOT NULL,
    allocated_unused_meg INTEGER NOT NULL,
    unallocated_meg INTEGER NOT NULL,
    PRIMARY KEY (pool_id, day_unix)
);
CREATE TABLE idle_team_day_fact (
    pool_id INTEGER NOT NULL REFERENCES pool (id),
    team_id INTEGER NOT NULL REFERENCES team (id),
    day_unix INTEGER NOT NULL,
    allocated_gs INTEGER NOT NULL,
    used_gs INTEGER NOT NULL,
    allocated_unused_gs INTEGER NOT NULL,
    low_util_gs INTEGER NOT NULL,
    used_num INTEGER NOT NULL,
    allocated_unused_num INTEGER NOT NULL,
    low_util_num INTEGER NOT NULL,
    used_meg INTEGER NOT NULL,
    allocated_unused_meg INTEGER NOT NULL,
    PRIMARY KEY (pool_id, team_id, day_unix)
);
CREATE INDEX ix_idle_day_fact_day ON idle_day_fact (day_unix);
CREATE INDEX ix_idle_team_day_fact_day ON idle_team_day_fact (day_unix);

INSERT INTO idle_day_fact (pool_id, day_unix, leased_gs, allocated_gs, used_gs, excess_gs, allocated_unused_gs, unallocated_gs, low_util_gs, leased_num, used_num, allocated_unused_num, unallocated_num, low_util_num, leased_meg, used_meg, allocated_unused_meg, unallocated_meg)
SELECT pool_id, hour_unix - (hour_unix % 86400), SUM(leased_gs), SUM(allocated_gs), SUM(used_gs), SUM(excess_gs), SUM(allocated_unused_gs), SUM(unallocated_gs), SUM(low_util_gs), SUM(leased_num), SUM(used_num), SUM(allocated_unused_num), SUM(unallocated_num), SUM(low_util_num), SUM(leased_meg), SUM(used_meg), SUM(allocated_unused_meg), SUM(unallocated_meg)
FROM idle_fact GROUP BY pool_id, hour_unix - (hour_unix % 86400);
INSERT INTO idle_team_day_fact (pool_id, team_id, day_unix, allocated_gs, used_gs, allocated_unused_gs, low_util_gs, used_num, allocated_unused_num, low_util_num, used_meg, allocated_unused_meg)
SELECT pool_id, team_id, hour_unix - (hour_unix % 86400), SUM(allocated_gs), SUM(used_gs), SUM(allocated_unused_gs), SUM(low_util_gs), SUM(used_num), SUM(allocated_unused_num), SUM(low_util_num), SUM(used_meg), SUM(allocated_unused_meg)
FROM idle_team_fact GROUP BY pool_id, team_id, hour_unix - (hour_unix % 86400);
