-- A usage record can be taken out of counting: quarantined by reconciliation when it breaks the intake bounds
-- (api-docs/DEFINITIONS.md#quarantine), or voided by a manager; a manager's correction is kept apart from the
-- provider's re-sends. review_state is NULL (counted as reported), 'quarantined', 'voided' or 'corrected'.
-- A quarantined or voided record counts nothing: reconciliation takes out what it had counted.
ALTER TABLE usage_record ADD COLUMN review_state TEXT NULL;
ALTER TABLE usage_record ADD COLUMN review_reason TEXT NULL;
ALTER TABLE usage_record ADD COLUMN reviewed_unix INTEGER NULL;
ALTER TABLE usage_record ADD COLUMN reviewed_by TEXT NULL;
CREATE INDEX ix_usage_record_review ON usage_record (pool_id, review_state) WHERE review_state IS NOT NULL;
