-- Usage reported by providers, the hourly facts derived from it, reconciliation runs, flags and data drawdowns.

-- One record per job (or per provider's id) on a pool. Records are the truth; facts are derived from them.
-- until_unix is where the record's usage stops counting: its end, or for a running job the time it was measured.
-- The applied_* columns hold what reconciliation last counted into the facts, so that a changed record moves the
-- facts by exactly the difference; dirty = 1 until the current revision has been counted.
CREATE TABLE dbo.usage_record (
    id BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_usage_record PRIMARY KEY,
    pool_id BIGINT NOT NULL CONSTRAINT fk_usage_record_pool REFERENCES dbo.pool (id),
    external_id NVARCHAR(200) NOT NULL,
    account NVARCHAR(64) NOT NULL,
    start_unix BIGINT NOT NULL,
    end_unix BIGINT NULL,
    until_unix BIGINT NOT NULL,
    gpus BIGINT NOT NULL CONSTRAINT ck_usage_record_gpus CHECK (gpus > 0),
    gpu_seconds BIGINT NOT NULL CONSTRAINT ck_usage_record_gpu_seconds CHECK (gpu_seconds >= 0),
    source NVARCHAR(8) NOT NULL CONSTRAINT ck_usage_record_source CHECK (source IN (N'json', N'sacct')),
    revision BIGINT NOT NULL,
    received_unix BIGINT NOT NULL,
    dirty BIGINT NOT NULL,
    applied_revision BIGINT NULL,
    applied_team_id BIGINT NULL,
    applied_account NVARCHAR(64) NULL,
    applied_start_unix BIGINT NULL,
    applied_until_unix BIGINT NULL,
    applied_gpus BIGINT NULL,
    CONSTRAINT ck_usage_record_span CHECK (until_unix >= start_unix),
    CONSTRAINT uq_usage_record_external UNIQUE (pool_id, external_id)
);
CREATE INDEX ix_usage_record_dirty ON dbo.usage_record (dirty, id);
CREATE INDEX ix_usage_record_account ON dbo.usage_record (pool_id, account);

-- A team's GPU-seconds on a pool in one UTC hour.
CREATE TABLE dbo.usage_fact (
    pool_id BIGINT NOT NULL CONSTRAINT fk_usage_fact_pool REFERENCES dbo.pool (id),
    team_id BIGINT NOT NULL CONSTRAINT fk_usage_fact_team REFERENCES dbo.team (id),
    hour_unix BIGINT NOT NULL,
    gpu_seconds BIGINT NOT NULL,
    CONSTRAINT pk_usage_fact PRIMARY KEY (pool_id, team_id, hour_unix)
);
CREATE INDEX ix_usage_fact_team ON dbo.usage_fact (team_id, hour_unix);

-- GPU-seconds of scheduler accounts that no team is mapped to, kept (and flagged) until they are mapped.
CREATE TABLE dbo.unmapped_usage_fact (
    pool_id BIGINT NOT NULL CONSTRAINT fk_unmapped_usage_fact_pool REFERENCES dbo.pool (id),
    account NVARCHAR(64) NOT NULL,
    hour_unix BIGINT NOT NULL,
    gpu_seconds BIGINT NOT NULL,
    CONSTRAINT pk_unmapped_usage_fact PRIMARY KEY (pool_id, account, hour_unix)
);

-- One row per reconciliation batch; its id makes the batch's ledger sources unique.
CREATE TABLE dbo.reconciliation_run (
    id BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_reconciliation_run PRIMARY KEY,
    started_unix BIGINT NOT NULL,
    triggered_by NVARCHAR(200) NOT NULL,
    records BIGINT NOT NULL,
    fact_changes BIGINT NOT NULL,
    ledger_entries BIGINT NOT NULL
);

-- Something a person must look at. cause_key names the cause and its period; at most one live (not resolved) flag
-- exists per cause_key. amount is in unit ('gpu-seconds' or 'milli-egh-seconds'); krw prices it where known.
CREATE TABLE dbo.flag (
    id BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_flag PRIMARY KEY,
    kind NVARCHAR(64) NOT NULL,
    cause_key NVARCHAR(400) NOT NULL,
    team_id BIGINT NULL CONSTRAINT fk_flag_team REFERENCES dbo.team (id),
    pool_id BIGINT NULL CONSTRAINT fk_flag_pool REFERENCES dbo.pool (id),
    participation_id BIGINT NULL CONSTRAINT fk_flag_participation REFERENCES dbo.participation (id),
    account NVARCHAR(64) NULL,
    period_start_unix BIGINT NOT NULL,
    period_end_unix BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    unit NVARCHAR(32) NOT NULL,
    krw BIGINT NULL,
    detail NVARCHAR(1000) NOT NULL,
    status NVARCHAR(16) NOT NULL CONSTRAINT ck_flag_status CHECK (status IN (N'open', N'acknowledged', N'resolved')),
    opened_unix BIGINT NOT NULL,
    updated_unix BIGINT NOT NULL,
    acknowledged_unix BIGINT NULL,
    acknowledged_by NVARCHAR(200) NULL,
    acknowledgement NVARCHAR(1000) NULL,
    resolved_unix BIGINT NULL,
    resolved_by NVARCHAR(200) NULL,
    resolution NVARCHAR(1000) NULL
);
CREATE UNIQUE INDEX ux_flag_live_cause ON dbo.flag (cause_key) WHERE status <> N'resolved';
CREATE INDEX ix_flag_team ON dbo.flag (team_id, status);
CREATE INDEX ix_flag_pool ON dbo.flag (pool_id, status);

-- Money drawn from a participation's data grant; each drawdown posts a data ledger entry.
CREATE TABLE dbo.data_drawdown (
    id BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_data_drawdown PRIMARY KEY,
    participation_id BIGINT NOT NULL CONSTRAINT fk_data_drawdown_participation REFERENCES dbo.participation (id),
    amount_krw BIGINT NOT NULL CONSTRAINT ck_data_drawdown_amount CHECK (amount_krw > 0),
    vendor NVARCHAR(200) NOT NULL,
    description NVARCHAR(1000) NOT NULL,
    drawn_on NVARCHAR(10) NOT NULL,
    created_unix BIGINT NOT NULL,
    created_by_key NVARCHAR(64) NULL
);
CREATE INDEX ix_data_drawdown_participation ON dbo.data_drawdown (participation_id);
