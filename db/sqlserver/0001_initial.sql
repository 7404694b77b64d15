-- NationalAiEval schema, SQL Server dialect. Forward-only; db/sqlite/0001_initial.sql is the same schema for SQLite.
-- Conventions: instants are Unix seconds (UTC) in BIGINT columns named *_unix; programme dates are ISO text
-- 'yyyy-MM-dd'; GPU time is integer GPU-seconds or milli-EGH-seconds; money is integer KRW.

CREATE TABLE dbo.team (
    id BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_team PRIMARY KEY,
    code NVARCHAR(64) NOT NULL CONSTRAINT uq_team_code UNIQUE,
    name NVARCHAR(200) NOT NULL,
    created_unix BIGINT NOT NULL
);

CREATE TABLE dbo.pool (
    id BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_pool PRIMARY KEY,
    code NVARCHAR(64) NOT NULL CONSTRAINT uq_pool_code UNIQUE,
    name NVARCHAR(200) NOT NULL,
    provider NVARCHAR(200) NOT NULL,
    gpu_model NVARCHAR(32) NOT NULL,
    gpus_per_node BIGINT NOT NULL CONSTRAINT ck_pool_gpus_per_node CHECK (gpus_per_node > 0),
    version BIGINT NOT NULL CONSTRAINT df_pool_version DEFAULT 1,
    created_unix BIGINT NOT NULL
);

-- A pool's capacity at t is the sum of its lease lines active at t. Lines are only ever added.
CREATE TABLE dbo.lease_line (
    id BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_lease_line PRIMARY KEY,
    pool_id BIGINT NOT NULL CONSTRAINT fk_lease_line_pool REFERENCES dbo.pool (id),
    gpus BIGINT NOT NULL CONSTRAINT ck_lease_line_gpus CHECK (gpus > 0),
    start_unix BIGINT NOT NULL,
    end_unix BIGINT NOT NULL,
    krw_per_gpu_hour BIGINT NOT NULL CONSTRAINT ck_lease_line_price CHECK (krw_per_gpu_hour >= 0),
    reference NVARCHAR(200) NULL,
    created_unix BIGINT NOT NULL,
    CONSTRAINT ck_lease_line_span CHECK (end_unix > start_unix)
);
CREATE INDEX ix_lease_line_pool ON dbo.lease_line (pool_id, start_unix);

-- A Slurm or Kubernetes account on a pool, mapped to the team whose usage it reports.
CREATE TABLE dbo.scheduler_account (
    pool_id BIGINT NOT NULL CONSTRAINT fk_scheduler_account_pool REFERENCES dbo.pool (id),
    account NVARCHAR(64) NOT NULL,
    team_id BIGINT NOT NULL CONSTRAINT fk_scheduler_account_team REFERENCES dbo.team (id),
    updated_unix BIGINT NOT NULL,
    CONSTRAINT pk_scheduler_account PRIMARY KEY (pool_id, account)
);

-- Versioned equivalence weights in per-mille of the reference model, each in force from effective_unix.
CREATE TABLE dbo.equivalence_weight (
    gpu_model NVARCHAR(32) NOT NULL,
    effective_date NVARCHAR(10) NOT NULL,
    effective_unix BIGINT NOT NULL,
    per_mille BIGINT NOT NULL CONSTRAINT ck_equivalence_weight_per_mille CHECK (per_mille > 0),
    created_unix BIGINT NOT NULL,
    CONSTRAINT pk_equivalence_weight PRIMARY KEY (gpu_model, effective_unix)
);

-- The programme's defaults (api-docs/DEFINITIONS.md#weights), in force from 2020-01-01 00:00 Asia/Seoul.
INSERT INTO dbo.equivalence_weight (gpu_model, effective_date, effective_unix, per_mille, created_unix) VALUES
    (N'B200', N'2020-01-01', 1577804400, 1000, 1577804400),
    (N'H200', N'2020-01-01', 1577804400, 600, 1577804400),
    (N'H100', N'2020-01-01', 1577804400, 500, 1577804400);

CREATE TABLE dbo.stage (
    id BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_stage PRIMARY KEY,
    code NVARCHAR(64) NOT NULL CONSTRAINT uq_stage_code UNIQUE,
    name NVARCHAR(200) NOT NULL,
    start_date NVARCHAR(10) NOT NULL,
    duration_days BIGINT NOT NULL CONSTRAINT ck_stage_duration CHECK (duration_days > 0),
    entitlement_milli_egh_s BIGINT NOT NULL CONSTRAINT ck_stage_entitlement CHECK (entitlement_milli_egh_s > 0),
    data_grant_krw BIGINT NOT NULL CONSTRAINT ck_stage_data_grant CHECK (data_grant_krw >= 0),
    time_zone NVARCHAR(64) NOT NULL,
    version BIGINT NOT NULL CONSTRAINT df_stage_version DEFAULT 1,
    created_unix BIGINT NOT NULL
);

CREATE TABLE dbo.participation (
    id BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_participation PRIMARY KEY,
    stage_id BIGINT NOT NULL CONSTRAINT fk_participation_stage REFERENCES dbo.stage (id),
    team_id BIGINT NOT NULL CONSTRAINT fk_participation_team REFERENCES dbo.team (id),
    kind NVARCHAR(16) NOT NULL CONSTRAINT ck_participation_kind CHECK (kind IN (N'original', N'rechallenge')),
    join_date NVARCHAR(10) NOT NULL,
    window_start_unix BIGINT NOT NULL,
    window_end_unix BIGINT NOT NULL,
    eligible_date NVARCHAR(10) NULL,
    eligible_unix BIGINT NULL,
    status NVARCHAR(16) NOT NULL CONSTRAINT ck_participation_status CHECK (status IN (N'active', N'eliminated', N'withdrawn')),
    ended_unix BIGINT NULL,
    end_reason NVARCHAR(1000) NULL,
    version BIGINT NOT NULL CONSTRAINT df_participation_version DEFAULT 1,
    created_unix BIGINT NOT NULL,
    CONSTRAINT uq_participation_stage_team UNIQUE (stage_id, team_id)
);

CREATE TABLE dbo.participation_excluded_pool (
    participation_id BIGINT NOT NULL CONSTRAINT fk_excluded_pool_participation REFERENCES dbo.participation (id),
    pool_id BIGINT NOT NULL CONSTRAINT fk_excluded_pool_pool REFERENCES dbo.pool (id),
    CONSTRAINT pk_participation_excluded_pool PRIMARY KEY (participation_id, pool_id)
);

CREATE TABLE dbo.allocation (
    id BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_allocation PRIMARY KEY,
    participation_id BIGINT NOT NULL CONSTRAINT fk_allocation_participation REFERENCES dbo.participation (id),
    pool_id BIGINT NOT NULL CONSTRAINT fk_allocation_pool REFERENCES dbo.pool (id),
    gpus BIGINT NOT NULL CONSTRAINT ck_allocation_gpus CHECK (gpus > 0),
    start_unix BIGINT NOT NULL,
    end_unix BIGINT NOT NULL,
    version BIGINT NOT NULL CONSTRAINT df_allocation_version DEFAULT 1,
    created_unix BIGINT NOT NULL,
    CONSTRAINT ck_allocation_span CHECK (end_unix > start_unix)
);
CREATE INDEX ix_allocation_pool_time ON dbo.allocation (pool_id, start_unix, end_unix);
CREATE INDEX ix_allocation_participation ON dbo.allocation (participation_id, start_unix);

-- Append-only. The unique source makes every posting idempotent (api-docs/DEFINITIONS.md#ledger).
CREATE TABLE dbo.ledger_entry (
    id BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_ledger_entry PRIMARY KEY,
    participation_id BIGINT NOT NULL CONSTRAINT fk_ledger_entry_participation REFERENCES dbo.participation (id),
    resource NVARCHAR(8) NOT NULL CONSTRAINT ck_ledger_entry_resource CHECK (resource IN (N'gpu', N'data')),
    kind NVARCHAR(16) NOT NULL CONSTRAINT ck_ledger_entry_kind CHECK (kind IN (N'grant', N'usage', N'adjustment', N'forfeit', N'reversal')),
    amount BIGINT NOT NULL,
    source NVARCHAR(200) NOT NULL CONSTRAINT uq_ledger_entry_source UNIQUE,
    reason NVARCHAR(1000) NULL,
    posted_unix BIGINT NOT NULL,
    posted_by_key NVARCHAR(64) NULL
);
CREATE INDEX ix_ledger_entry_participation ON dbo.ledger_entry (participation_id, resource);

-- key_id is public and embedded in the secret; only the SHA-256 of the secret is stored.
CREATE TABLE dbo.api_key (
    id BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_api_key PRIMARY KEY,
    key_id NVARCHAR(64) NOT NULL CONSTRAINT uq_api_key_key_id UNIQUE,
    name NVARCHAR(200) NOT NULL,
    role NVARCHAR(16) NOT NULL CONSTRAINT ck_api_key_role CHECK (role IN (N'manager', N'finance', N'team', N'provider')),
    team_id BIGINT NULL CONSTRAINT fk_api_key_team REFERENCES dbo.team (id),
    secret_hash VARBINARY(32) NOT NULL,
    created_unix BIGINT NOT NULL,
    created_by_key NVARCHAR(64) NULL,
    revoked_unix BIGINT NULL,
    last_used_unix BIGINT NULL
);

CREATE TABLE dbo.api_key_pool (
    api_key_id BIGINT NOT NULL CONSTRAINT fk_api_key_pool_key REFERENCES dbo.api_key (id),
    pool_id BIGINT NOT NULL CONSTRAINT fk_api_key_pool_pool REFERENCES dbo.pool (id),
    CONSTRAINT pk_api_key_pool PRIMARY KEY (api_key_id, pool_id)
);

-- Every change, written in the same transaction as the change itself.
CREATE TABLE dbo.audit_entry (
    id BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_audit_entry PRIMARY KEY,
    at_unix BIGINT NOT NULL,
    key_id NVARCHAR(64) NULL,
    key_name NVARCHAR(200) NULL,
    action NVARCHAR(64) NOT NULL,
    entity NVARCHAR(64) NOT NULL,
    entity_id NVARCHAR(64) NOT NULL,
    before_json NVARCHAR(MAX) NULL,
    after_json NVARCHAR(MAX) NULL
);
CREATE INDEX ix_audit_entry_entity ON dbo.audit_entry (entity, entity_id);
