-- Usage sources are data: a new intake format is a row in usage_source, not a change to usage_record's definition.
-- SQLite cannot drop the CHECK (source IN ('json', 'sacct')) that 0002 wrote in place, so usage_record is rebuilt once,
-- the same in every other respect, with a reference to usage_source instead; its indexes are made again.
CREATE TABLE usage_source (
    code TEXT NOT NULL PRIMARY KEY,
    description TEXT NOT NULL
);
INSERT INTO usage_source (code, description) VALUES
    ('json', 'JSON records: POST /api/v1/pools/{pool}/usage'),
    ('sacct', 'sacct --parsable2 text: POST /api/v1/pools/{pool}/usage/sacct');

CREATE TABLE usage_record_rebuilt (
    id INTEGER PRIMARY KEY,
    pool_id INTEGER NOT NULL REFERENCES pool (id),
    external_id TEXT NOT NULL,
    account TEXT NOT NULL,
    start_unix INTEGER NOT NULL,
    end_unix INTEGER NULL,
    until_unix INTEGER NOT NULL,
    gpus INTEGER NOT NULL CHECK (gpus > 0),
    gpu_seconds INTEGER NOT NULL CHECK (gpu_seconds >= 0),
    source TEXT NOT NULL REFERENCES usage_source (code),
    revision INTEGER NOT NULL,
    received_unix INTEGER NOT NULL,
    dirty INTEGER NOT NULL,
    applied_revision INTEGER NULL,
    applied_team_id INTEGER NULL,
    applied_account TEXT NULL,
    applied_start_unix INTEGER NULL,
    applied_until_unix INTEGER NULL,
    applied_gpus INTEGER NULL,
    review_state TEXT NULL,
    review_reason TEXT NULL,
    reviewed_unix INTEGER NULL,
    reviewed_by TEXT NULL,
    CHECK (until_unix >= start_unix),
    UNIQUE (pool_id, external_id)
);
INSERT INTO usage_record_rebuilt (
    id, pool_id, external_id, account, start_unix, end_unix, until_unix, gpus, gpu_seconds, source, revision, received_unix, dirty,
    applied_revision, applied_team_id, applied_account, applied_start_unix, applied_until_unix, applied_gpus,
    review_state, review_reason, reviewed_unix, reviewed_by)
SELECT
    id, pool_id, external_id, account, start_unix, end_unix, until_unix, gpus, gpu_seconds, source, revision, received_unix, dirty,
    applied_revision, applied_team_id, applied_account, applied_start_unix, applied_until_unix, applied_gpus,
    review_state, review_reason, reviewed_unix, reviewed_by
FROM usage_record;
DROP TABLE usage_record;
ALTER TABLE usage_record_rebuilt RENAME TO usage_record;
CREATE INDEX ix_usage_record_account ON usage_record (pool_id, account);
CREATE INDEX ix_usage_record_waiting ON usage_record (id) WHERE dirty = 1;
CREATE INDEX ix_usage_record_review ON usage_record (pool_id, review_state) WHERE review_state IS NOT NULL;
