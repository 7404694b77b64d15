-- NationalAiEval schema, SQLite dialect. Forward-only; db/sqlserver/0001_initial.sql is the same schema for SQL Server.
-- Conventions: instants are Unix seconds (UTC) in INTEGER columns named *_unix; programme dates are ISO text
-- 'yyyy-MM-dd'; GPU time is integer GPU-seconds or milli-EGH-seconds; money is integer KRW.

CREATE TABLE team (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_unix INTEGER NOT NULL
);

CREATE TABLE pool (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    provider TEXT NOT NULL,
    gpu_model TEXT NOT NULL,
    gpus_per_node INTEGER NOT NULL CHECK (gpus_per_node > 0),
    version INTEGER NOT NULL DEFAULT 1,
    created_unix INTEGER NOT NULL
);

-- A pool's capacity at t is the sum of its lease lines active at t. Lines are only ever added.
CREATE TABLE lease_line (
    id INTEGER PRIMARY KEY,
    pool_id INTEGER NOT NULL REFERENCES pool (id),
    gpus INTEGER NOT NULL CHECK (gpus > 0),
    start_unix INTEGER NOT NULL,
    end_unix INTEGER NOT NULL,
    krw_per_gpu_hour INTEGER NOT NULL CHECK (krw_per_gpu_hour >= 0),
    reference TEXT NULL,
    created_unix INTEGER NOT NULL,
    CHECK (end_unix > start_unix)
);
CREATE INDEX ix_lease_line_pool ON lease_line (pool_id, start_unix);

-- A Slurm or Kubernetes account on a pool, mapped to the team whose usage it reports.
CREATE TABLE scheduler_account (
    pool_id INTEGER NOT NULL REFERENCES pool (id),
    account TEXT NOT NULL,
    team_id INTEGER NOT NULL REFERENCES team (id),
    updated_unix INTEGER NOT NULL,
    PRIMARY KEY (pool_id, account)
);

-- Versioned equivalence weights in per-mille of the reference model, each in force from effective_unix.
CREATE TABLE equivalence_weight (
    gpu_model TEXT NOT NULL,
    effective_date TEXT NOT NULL,
    effective_unix INTEGER NOT NULL,
    per_mille INTEGER NOT NULL CHECK (per_mille > 0),
    created_unix INTEGER NOT NULL,
    PRIMARY KEY (gpu_model, effective_unix)
);

-- The programme's defaults (api-docs/DEFINITIONS.md#weights), in force from 2020-01-01 00:00 Asia/Seoul.
INSERT INTO equivalence_weight (gpu_model, effective_date, effective_unix, per_mille, created_unix) VALUES
    ('B200', '2020-01-01', 1577804400, 1000, 1577804400),
    ('H200', '2020-01-01', 1577804400, 600, 1577804400),
    ('H100', '2020-01-01', 1577804400, 500, 1577804400);

CREATE TABLE stage (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    start_date TEXT NOT NULL,
    duration_days INTEGER NOT NULL CHECK (duration_days > 0),
    entitlement_milli_egh_s INTEGER NOT NULL CHECK (entitlement_milli_egh_s > 0),
    data_grant_krw INTEGER NOT NULL CHECK (data_grant_krw >= 0),
    time_zone TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_unix INTEGER NOT NULL
);

CREATE TABLE participation (
    id INTEGER PRIMARY KEY,
    stage_id INTEGER NOT NULL REFERENCES stage (id),
    team_id INTEGER NOT NULL REFERENCES team (id),
    kind TEXT NOT NULL CHECK (kind IN ('original', 'rechallenge')),
    join_date TEXT NOT NULL,
    window_start_unix INTEGER NOT NULL,
    window_end_unix INTEGER NOT NULL,
    eligible_date TEXT NULL,
    eligible_unix INTEGER NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'eliminated', 'withdrawn')),
    ended_unix INTEGER NULL,
    end_reason TEXT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_unix INTEGER NOT NULL,
    UNIQUE (stage_id, team_id)
);

CREATE TABLE participation_excluded_pool (
    participation_id INTEGER NOT NULL REFERENCES participation (id),
    pool_id INTEGER NOT NULL REFERENCES pool (id),
    PRIMARY KEY (participation_id, pool_id)
);

-- AUTOINCREMENT: a deleted allocation's id is never reused, so audit entries keep pointing at one allocation.
CREATE TABLE allocation (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    participation_id INTEGER NOT NULL REFERENCES participation (id),
    pool_id INTEGER NOT NULL REFERENCES pool (id),
    gpus INTEGER NOT NULL CHECK (gpus > 0),
    start_unix INTEGER NOT NULL,
    end_unix INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_unix INTEGER NOT NULL,
    CHECK (end_unix > start_unix)
);
CREATE INDEX ix_allocation_pool_time ON allocation (pool_id, start_unix, end_unix);
CREATE INDEX ix_allocation_participation ON allocation (participation_id, start_unix);

-- Append-only. The unique source makes every posting idempotent (api-docs/DEFINITIONS.md#ledger).
CREATE TABLE ledger_entry (
    id INTEGER PRIMARY KEY,
    participation_id INTEGER NOT NULL REFERENCES participation (id),
    resource TEXT NOT NULL CHECK (resource IN ('gpu', 'data')),
    kind TEXT NOT NULL CHECK (kind IN ('grant', 'usage', 'adjustment', 'forfeit', 'reversal')),
    amount INTEGER NOT NULL,
    source TEXT NOT NULL UNIQUE,
    reason TEXT NULL,
    posted_unix INTEGER NOT NULL,
    posted_by_key TEXT NULL
);
CREATE INDEX ix_ledger_entry_participation ON ledger_entry (participation_id, resource);

-- key_id is public and embedded in the secret; only the SHA-256 of the secret is stored.
CREATE TABLE api_key (
    id INTEGER PRIMARY KEY,
    key_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('manager', 'finance', 'team', 'provider')),
    team_id INTEGER NULL REFERENCES team (id),
    secret_hash BLOB NOT NULL,
    created_unix INTEGER NOT NULL,
    created_by_key TEXT NULL,
    revoked_unix INTEGER NULL,
    last_used_unix INTEGER NULL
);

CREATE TABLE api_key_pool (
    api_key_id INTEGER NOT NULL REFERENCES api_key (id),
    pool_id INTEGER NOT NULL REFERENCES pool (id),
    PRIMARY KEY (api_key_id, pool_id)
);

-- Every change, written in the same transaction as the change itself.
CREATE TABLE audit_entry (
    id INTEGER PRIMARY KEY,
    at_unix INTEGER NOT NULL,
    key_id TEXT NULL,
    key_name TEXT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_json TEXT NULL,
    after_json TEXT NULL
);
CREATE INDEX ix_audit_entry_entity ON audit_entry (entity, entity_id);
