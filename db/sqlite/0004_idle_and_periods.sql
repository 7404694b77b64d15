-- Idle capacity per pool and UTC hour, utilisation samples, and the months finance has closed.

-- Derived by the detect-idle job from leases, allocations, usage facts and utilisation. GPU-seconds (_gs); money as
-- numerators (_num: GPU-seconds x KRW per GPU-hour, i.e. KRW x 3,600, so that sums stay exact); equivalents in
-- milli-EGH-seconds (_meg) at the weight in force in that hour. leased = used + allocated_unused + unallocated, in each unit.
CREATE TABLE idle_fact (
    pool_id INTEGER NOT NULL REFERENCES pool (id),
    hour_unix INTEGER NOT NULL,
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
    PRIMARY KEY (pool_id, hour_unix)
);
CREATE INDEX ix_idle_fact_hour ON idle_fact (hour_unix);

-- Each team's part of a pool-hour: what it held, used, and held without using.
CREATE TABLE idle_team_fact (
    pool_id INTEGER NOT NULL REFERENCES pool (id),
    team_id INTEGER NOT NULL REFERENCES team (id),
    hour_unix INTEGER NOT NULL,
    allocated_gs INTEGER NOT NULL,
    used_gs INTEGER NOT NULL,
    allocated_unused_gs INTEGER NOT NULL,
    low_util_gs INTEGER NOT NULL,
    used_num INTEGER NOT NULL,
    allocated_unused_num INTEGER NOT NULL,
    low_util_num INTEGER NOT NULL,
    used_meg INTEGER NOT NULL,
    allocated_unused_meg INTEGER NOT NULL,
    PRIMARY KEY (pool_id, team_id, hour_unix)
);
CREATE INDEX ix_idle_team_fact_hour ON idle_team_fact (hour_unix);

-- Pool time ranges whose idle facts must be recomputed, written in the same transaction as the change that made
-- them stale (usage reconciled, an allocation or lease changed, utilisation reported).
CREATE TABLE idle_dirty (
    id INTEGER PRIMARY KEY,
    pool_id INTEGER NOT NULL REFERENCES pool (id),
    from_unix INTEGER NOT NULL,
    to_unix INTEGER NOT NULL
);

-- Named watermarks of background jobs.
CREATE TABLE job_state (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

-- DCGM utilisation: one sample per GPU and second, so that a scrape sent twice counts once.
CREATE TABLE utilisation_sample (
    pool_id INTEGER NOT NULL REFERENCES pool (id),
    gpu TEXT NOT NULL,
    at_unix INTEGER NOT NULL,
    team_id INTEGER NULL REFERENCES team (id),
    percent_milli INTEGER NOT NULL,
    PRIMARY KEY (pool_id, gpu, at_unix)
);
CREATE INDEX ix_utilisation_sample_time ON utilisation_sample (pool_id, at_unix);

-- Months (yyyy-MM, in the programme's zone) finance has closed.
CREATE TABLE closed_period (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL UNIQUE,
    closed_unix INTEGER NOT NULL,
    closed_by_key TEXT NULL,
    closed_by_name TEXT NULL
);

-- A closed month's frozen figures: its own (for_period = period) and the adjustments it carries for earlier closed
-- months (for_period < period). A row with a team is that team's part of a pool; team_id NULL is the rest of the
-- pool, what no team accounts for (unallocated capacity, usage of unmapped accounts), so the rows of a pool add up to it.
-- The pool's and team's names are kept as they were at closing, so that the closed report reads the same forever.
CREATE TABLE period_fact (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL REFERENCES closed_period (period),
    for_period TEXT NOT NULL,
    pool_id INTEGER NOT NULL REFERENCES pool (id),
    team_id INTEGER NULL REFERENCES team (id),
    pool_code TEXT NOT NULL,
    pool_provider TEXT NOT NULL,
    gpu_model TEXT NOT NULL,
    team_code TEXT NULL,
    team_name TEXT NULL,
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
    unallocated_meg INTEGER NOT NULL
);
CREATE INDEX ix_period_fact_period ON period_fact (period, for_period);
CREATE INDEX ix_period_fact_for ON period_fact (for_period);
