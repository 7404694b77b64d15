-- A plan that cannot give every team its entitlement keeps each team's shortfall from its preview, and, when a
-- manager commits it anyway, the reason given (api-docs/DEFINITIONS.md#planner); the equality proof shows both.
ALTER TABLE plan_preview ADD COLUMN shortfall_json TEXT NULL;
ALTER TABLE plan_preview ADD COLUMN shortfall_reason TEXT NULL;
