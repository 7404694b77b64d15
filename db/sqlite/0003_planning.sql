-- Plan previews, kept so that a manager can commit exactly what was previewed.
-- fingerprint is the SHA-256 of everything the plan depends on (stage, participations, pools, leases, allocations,
-- weights); a commit is refused when it no longer matches. A hypothetical preview (made with what-if changes) is
-- never committed.
CREATE TABLE plan_preview (
    id TEXT PRIMARY KEY,
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
CREATE INDEX ix_plan_preview_stage ON plan_preview (stage_id, created_unix);
