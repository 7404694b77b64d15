-- A team's usage reported beyond its share of what the pool leased is kept on the team's own facts, so that the waste
-- report shows a team's overuse on that team's row (api-docs/DEFINITIONS.md#idle-split), not on the pool's "(no team)"
-- row. Hours where a pool had excess are marked stale, so that detect-idle recomputes them with the team's part.
ALTER TABLE dbo.idle_team_fact ADD excess_gs BIGINT NOT NULL CONSTRAINT df_idle_team_fact_excess DEFAULT 0;
ALTER TABLE dbo.idle_team_day_fact ADD excess_gs BIGINT NOT NULL CONSTRAINT df_idle_team_day_fact_excess DEFAULT 0;
GO
INSERT INTO dbo.idle_dirty (pool_id, from_unix, to_unix)
SELECT pool_id, hour_unix, hour_unix + 3600 FROM dbo.idle_fact WHERE excess_gs > 0;
