-- A plan that cannot give every team its entitlement keeps each team's shortfall from its preview, and, when a
-- manager commits it anyway, the reason given (api-docs/DEFINITIONS.md#planner); the equality proof shows both.
ALTER TABLE dbo.plan_preview ADD shortfall_json NVARCHAR(MAX) NULL, shortfall_reason NVARCHAR(400) NULL;
