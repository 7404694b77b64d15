-- Low utilisation is kept in millionths of a GPU-second (its money numerator in thousandths of GPU-second x KRW per
-- GPU-hour, which keeps month sums inside 64 bits): the share of a team's readings under the threshold, applied to its
-- use in an hour, is rarely a whole number of GPU-seconds, and truncating it hour by hour drifted the sums
-- (api-docs/DEFINITIONS.md#idle-split). The columns are renamed for their unit and what was stored is scaled, so every
-- figure read from them stays the same.
ALTER TABLE idle_fact RENAME COLUMN low_util_gs TO low_util_ugs;
ALTER TABLE idle_fact RENAME COLUMN low_util_num TO low_util_mnum;
UPDATE idle_fact SET low_util_ugs = low_util_ugs * 1000000, low_util_mnum = low_util_mnum * 1000;
ALTER TABLE idle_team_fact RENAME COLUMN low_util_gs TO low_util_ugs;
ALTER TABLE idle_team_fact RENAME COLUMN low_util_num TO low_util_mnum;
UPDATE idle_team_fact SET low_util_ugs = low_util_ugs * 1000000, low_util_mnum = low_util_mnum * 1000;
ALTER TABLE idle_day_fact RENAME COLUMN low_util_gs TO low_util_ugs;
ALTER TABLE idle_day_fact RENAME COLUMN low_util_num TO low_util_mnum;
UPDATE idle_day_fact SET low_util_ugs = low_util_ugs * 1000000, low_util_mnum = low_util_mnum * 1000;
ALTER TABLE idle_team_day_fact RENAME COLUMN low_util_gs TO low_util_ugs;
ALTER TABLE idle_team_day_fact RENAME COLUMN low_util_num TO low_util_mnum;
UPDATE idle_team_day_fact SET low_util_ugs = low_util_ugs * 1000000, low_util_mnum = low_util_mnum * 1000;
ALTER TABLE period_fact RENAME COLUMN low_util_gs TO low_util_ugs;
ALTER TABLE period_fact RENAME COLUMN low_util_num TO low_util_mnum;
UPDATE period_fact SET low_util_ugs = low_util_ugs * 1000000, low_util_mnum = low_util_mnum * 1000;
