-- SQLite's step 0012 makes job_state.name and plan_preview.id NOT NULL, as their PRIMARY KEY already makes them here.
-- Both databases keep the same numbered steps, so this one only says so.
PRINT N'0012: job_state.name and plan_preview.id are primary keys, NOT NULL already.';
