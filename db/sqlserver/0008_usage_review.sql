-- A usage record can be taken out of counting: quarantined by reconciliation when it breaks the intake bounds
-- (api-docs/DEFINITIONS.md#quarantine), or voided by a manager; a manager's correction is kept apart from the
-- provider's re-sends. review_state is NULL (counted as reported), 'quarantined', 'voided' or 'corrected'.
-- A quarantined or voided record counts nothing: reconciliation takes out what it had counted.
ALTER TABLE dbo.usage_record ADD review_state NVARCHAR(16) NULL, review_reason NVARCHAR(400) NULL, reviewed_unix BIGINT NULL, reviewed_by NVARCHAR(200) NULL;
GO
CREATE INDEX ix_usage_record_review ON dbo.usage_record (pool_id, review_state) WHERE review_state IS NOT NULL;
