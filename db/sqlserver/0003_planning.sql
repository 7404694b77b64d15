-- Plan previews, kept so that a manager can commit exactly what was previewed.
-- fingerprint is the SHA-256 of everything the plan depends on (stage, participations, pools, leases, allocations,
-- weights); a commit is refused when it no longer matches. A hypothetical preview (made with what-if changes) is
-- never committed.
CREATE TABLE dbo.plan_preview (
    id NVARCHAR(32) NOT NULL CONSTRAINT pk_plan_preview PRIMARY KEY,
    stage_id BIGINT NOT NULL CONSTRAINT fk_plan_preview_stage REFERENCES dbo.stage (id),
    created_unix BIGINT NOT NULL,
    created_by_key NVARCHAR(64) NULL,
    from_unix BIGINT NOT NULL,
    fingerprint NVARCHAR(64) NOT NULL,
    hypothetical BIGINT NOT NULL,
    whole_nodes BIGINT NOT NULL,
    allocations_json NVARCHAR(MAX) NOT NULL,
    committed_unix BIGINT NULL
);
CREATE INDEX ix_plan_preview_stage ON dbo.plan_preview (stage_id, created_unix);
