-- Idle capacity per pool and UTC hour, utilisation samples, and the months finance has closed.

-- Derived by the detect-idle job from leases, allocations, usage facts and utilisation. GPU-seconds (_gs); money as
-- numerators (_num: GPU-seconds x KRW per GPU-hour, i.e. KRW x 3,600, so that sums stay exact); equivalents in
-- milli-EGH-seconds (_meg) at the weight in force in that hour. leased = used + allocated_unused + unallocated, in each unit.
CREATE TABLE dbo.idle_fact (
    pool_id BIGINT NOT NULL REFERENCES dbo.pool (id),
    hour_unix BIGINT NOT NULL,
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
    PRIMARY KEY (pool_id, hour_unix)
);
CREATE INDEX ix_idle_fact_hour ON dbo.idle_fact (hour_unix);

-- Each team's part of a pool-hour: what it held, used, and held without using.
CREATE TABLE dbo.idle_team_fact (
    pool_id BIGINT NOT NULL REFERENCES dbo.pool (id),
    team_id BIGINT NOT NULL REFERENCES dbo.team (id),
    hour_unix BIGINT NOT NULL,
    allocated_gs BIGINT NOT NULL,
    used_gs BIGINT NOT NULL,
    allocated_unused_gs BIGINT NOT NULL,
    low_util_gs BIGINT NOT NULL,
    used_num BIGINT NOT NULL,
    allocated_unused_num BIGINT NOT NULL,
    low_util_num BIGINT NOT NULL,
    used_meg BIGINT NOT NULL,
    allocated_unused_meg BIGINT NOT NULL,
    PRIMARY KEY (pool_id, team_id, hour_unix)
);
CREATE INDEX ix_idle_team_fact_hour ON dbo.idle_team_fact (hour_unix);

-- Pool time ranges whose idle facts must be recomputed, written in the same transaction as the change that made
-- them stale (usage reconciled, an allocation or lease changed, utilisation reported).
CREATE TABLE dbo.idle_dirty (
    id BIGINT IDENTITY(1, 1) NOT NULL PRIMARY KEY,
    pool_id BIGINT NOT NULL REFERENCES dbo.pool (id),
    from_unix BIGINT NOT NULL,
    to_unix BIGINT NOT NULL
);

-- Named watermarks of background jobs.
CREATE TABLE dbo.job_state (
    name NVARCHAR(64) NOT NULL PRIMARY KEY,
    value BIGINT NOT NULL
);

-- DCGM utilisation: one sample per GPU and second, so that a scrape sent twice counts once.
CREATE TABLE dbo.utilisation_sample (
    pool_id BIGINT NOT NULL REFERENCES dbo.pool (id),
    gpu NVARCHAR(128) NOT NULL,
    at_unix BIGINT NOT NULL,
    team_id BIGINT NULL REFERENCES dbo.team (id),
    percent_milli BIGINT NOT NULL,
    PRIMARY KEY (pool_id, gpu, at_unix)
);
CREATE INDEX ix_utilisation_sample_time ON dbo.utilisation_sample (pool_id, at_unix);

-- Months (yyyy-MM, in the programme's zone) finance has closed.
CREATE TABLE dbo.closed_period (
    id BIGINT IDENTITY(1, 1) NOT NULL PRIMARY KEY,
    period NVARCHAR(64) NOT NULL UNIQUE,
    closed_unix BIGINT NOT NULL,
    closed_by_key NVARCHAR(200) NULL,
    closed_by_name NVARCHAR(200) NULL
);

-- A closed month's frozen figures: its own (for_period = period) and the adjustments it carries for earlier closed
-- months (for_period < period). A row with a team is that team's part of a pool; team_id NULL is the rest of the
-- pool, what no team accounts for (unallocated capacity, usage of unmapped accounts), so the rows of a pool add up to it.
-- The pool's and team's names are kept as they were at closing, so that the closed report reads the same forever.
CREATE TABLE dbo.period_fact (
    id BIGINT IDENTITY(1, 1) NOT NULL PRIMARY KEY,
    period NVARCHAR(64) NOT NULL REFERENCES dbo.closed_period (period),
    for_period NVARCHAR(64) NOT NULL,
    pool_id BIGINT NOT NULL REFERENCES dbo.pool (id),
    team_id BIGINT NULL REFERENCES dbo.team (id),
    pool_code NVARCHAR(200) NOT NULL,
    pool_provider NVARCHAR(200) NOT NULL,
    gpu_model NVARCHAR(200) NOT NULL,
    team_code NVARCHAR(200) NULL,
    team_name NVARCHAR(200) NULL,
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
    unallocated_meg BIGINT NOT NULL
);
CREATE INDEX ix_period_fact_period ON dbo.period_fact (period, for_period);
CREATE INDEX ix_period_fact_for ON dbo.period_fact (for_period);
