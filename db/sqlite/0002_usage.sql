-- Usage reported by providers, the hourly facts derived from it, reconciliation runs, flags and data drawdowns.

-- One record per job (or per provider's id) on a pool. Records are the truth; facts are derived from them.
-- until_unix is where the record's usage stops counting: its end, or for a running job the time it was measured.
-- The applied_* columns hold what reconciliation last counted into the facts, so that a changed record moves the
-- facts by exactly the difference; dirty = 1 until the current revision has been counted.
CREATE TABLE usage_record (
    id INTEGER PRIMARY KEY,
    pool_id INTEGER NOT NULL REFERENCES pool (id),
    external_id TEXT NOT NULL,
    account TEXT NOT NULL,
    start_unix INTEGER NOT NULL,
    end_unix INTEGER NULL,
    until_unix INTEGER NOT NULL,
    gpus INTEGER NOT NULL CHECK (gpus > 0),
    gpu_seconds INTEGER NOT NULL CHECK (gpu_seconds >= 0),
    source TEXT NOT NULL CHECK (source IN ('json', 'sacct')),
    revision INTEGER NOT NULL,
    received_unix INTEGER NOT NULL,
    dirty INTEGER NOT NULL,
    applied_revision INTEGER NULL,
    applied_team_id INTEGER NULL,
    applied_account TEXT NULL,
    applied_start_unix INTEGER NULL,
    applied_until_unix INTEGER NULL,
    applied_gpus INTEGER NULL,
    CHECK (until_unix >= start_unix),
    UNIQUE (pool_id, external_id)
);
CREATE INDEX ix_usage_record_dirty ON usage_record (dirty, id);
CREATE INDEX ix_usage_record_account ON usage_record (pool_id, account);

-- A team's GPU-seconds on a pool in one UTC hour.
CREATE TABLE usage_fact (
    pool_id INTEGER NOT NULL REFERENCES pool (id),
    team_id INTEGER NOT NULL REFERENCES team (id),
    hour_unix INTEGER NOT NULL,
    gpu_seconds INTEGER NOT NULL,
    PRIMARY KEY (pool_id, team_id, hour_unix)
);
CREATE INDEX ix_usage_fact_team ON usage_fact (team_id, hour_unix);

-- GPU-seconds of scheduler accounts that no team is mapped to, kept (and flagged) until they are mapped.
CREATE TABLE unmapped_usage_fact (
    pool_id INTEGER NOT NULL REFERENCES pool (id),
    account TEXT NOT NULL,
    hour_unix INTEGER NOT NULL,
    gpu_seconds INTEGER NOT NULL,
    PRIMARY KEY (pool_id, account, hour_unix)
);

-- One row per reconciliation batch; its id makes the batch's ledger sources unique.
CREATE TABLE reconciliation_run (
    id INTEGER PRIMARY KEY,
    started_unix INTEGER NOT NULL,
    triggered_by TEXT NOT NULL,
    records INTEGER NOT NULL,
    fact_changes INTEGER NOT NULL,
    ledger_entries INTEGER NOT NULL
);

-- Something a person must look at. cause_key names the cause and its period; at most one live (not resolved) flag
-- exists per cause_key. amount is in unit ('gpu-seconds' or 'milli-egh-seconds'); krw prices it where known.
CREATE TABLE flag (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    cause_key TEXT NOT NULL,
    team_id INTEGER NULL REFERENCES team (id),
    pool_id INTEGER NULL REFERENCES pool (id),
    participation_id INTEGER NULL REFERENCES participation (id),
    account TEXT NULL,
    period_start_unix INTEGER NOT NULL,
    period_end_unix INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    unit TEXT NOT NULL,
    krw INTEGER NULL,
    detail TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
    opened_unix INTEGER NOT NULL,
    updated_unix INTEGER NOT NULL,
    acknowledged_unix INTEGER NULL,
    acknowledged_by TEXT NULL,
    acknowledgement TEXT NULL,
    resolved_unix INTEGER NULL,
    resolved_by TEXT NULL,
    resolution TEXT NULL
);
CREATE UNIQUE INDEX ux_flag_live_cause ON flag (cause_key) WHERE status <> 'resolved';
CREATE INDEX ix_flag_team ON flag (team_id, status);
CREATE INDEX ix_flag_pool ON flag (pool_id, status);

-- Money drawn from a participation's data grant; each drawdown posts a data ledger entry.
CREATE TABLE data_drawdown (
    id INTEGER PRIMARY KEY,
    participation_id INTEGER NOT NULL REFERENCES participation (id),
    amount_krw INTEGER NOT NULL CHECK (amount_krw > 0),
    vendor TEXT NOT NULL,
    description TEXT NOT NULL,
    drawn_on TEXT NOT NULL,
    created_unix INTEGER NOT NULL,
    created_by_key TEXT NULL
);
CREATE INDEX ix_data_drawdown_participation ON data_drawdown (participation_id);
