-- A DCGM reading keeps the job and namespace labels that say whose work it was, so that a reading that arrives before
-- its job's usage record (or before its namespace is mapped) is attributed when they arrive
-- (api-docs/DEFINITIONS.md#idle-split, low utilisation). Readings still waiting for a team are indexed apart.
ALTER TABLE dbo.utilisation_sample ADD job NVARCHAR(64) NULL, namespace NVARCHAR(64) NULL;
GO
-- SQL Server allows no OR in a filtered index: the index holds every reading without a team.
CREATE INDEX ix_utilisation_sample_pending ON dbo.utilisation_sample (at_unix) WHERE team_id IS NULL;
