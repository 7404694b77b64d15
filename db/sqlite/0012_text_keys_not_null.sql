-- A TEXT PRIMARY KEY in SQLite accepts NULL unless it says NOT NULL (unlike SQL Server, and unlike an INTEGER PRIMARY
-- KEY, which is the rowid). job_state.name and plan_preview.id said only PRIMARY KEY, so the two databases disagreed
-- (found by the schema parity test). Both tables are rebuilt with NOT NULL; a row without a key could never be read.
CREATE TABLE job_state_rebuilt (
    name TEXT NOT NULL PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO job_state_rebuilt (name, value) SELECT name, value FROM job_state WHERE name IS NOT NULL;
DROP TABLE job_state;
ALTER TABLE job_state_rebuilt RENAME TO job_state;

CREATE TABLE plan_preview_rebuilt (
    id TEXT NOT NULL PRIMARY KEY,
    stage_id INTEGER NOT NULL REFERENCES stage (id),
    created_unix INTEGER NOT NULL,
    created_by_key TEXT NULL,
    from_unix INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    hypothetical INTEGER NOT NULL,
    whole_nodes INTEGER NOT NULL,
    allocations_json TEXT NOT NULL,
    committed_unix INTEGER NULL
);
INSERT INTO plan_preview_rebuilt (id, stage_id, created_unix, created_by_key, from_unix, fingerprint, hypothetical, whole_nodes, allocations_json, committed_unix)
SELECT id, stage_id, created_unix, created_by_key, from_unix, fingerprint, hypothetical, whole_nodes, allocations_json, committed_unix
FROM plan_preview WHERE id IS NOT NULL;
DROP TABLE plan_preview;
ALTER TABLE plan_preview_rebuilt RENAME TO plan_preview;
CREATE INDEX ix_plan_preview_stage ON plan_preview (stage_id, created_unix);
