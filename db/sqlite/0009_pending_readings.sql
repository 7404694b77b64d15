-- A DCGM reading keeps the job and namespace labels that say whose work it was, so that a reading that arrives before
-- its job's usage record (or before its namespace is mapped) is attributed when they arrive
-- (api-docs/DEFINITIONS.md#idle-split, low utilisation). Readings still waiting for a team are indexed apart.
ALTER TABLE utilisation_sample ADD COLUMN job TEXT NULL;
ALTER TABLE utilisation_sample ADD COLUMN namespace TEXT NULL;
CREATE INDEX ix_utilisation_sample_pending ON utilisation_sample (at_unix) WHERE team_id IS NULL AND (job IS NOT NULL OR namespace IS NOT NULL);
