-- The scheduler's job id of a usage record is kept as it arrives (sacct: the JobID column; JSON: the record's whole
-- externalId), so that DCGM readings find their job by it instead of reading it back out of the record's identity
-- (api-docs/DEFINITIONS.md#job-identity). Records stored before keep what that identity held: for sacct records,
-- [cluster/]JobID@Start, the JobID between the cluster's slash and the '@' (neither may appear in a cluster or job id).
ALTER TABLE usage_record ADD COLUMN job_id TEXT NULL;
UPDATE usage_record
SET job_id = CASE
    WHEN source = 'sacct' AND instr(external_id, '@') > 1 THEN
        CASE WHEN instr(substr(external_id, 1, instr(external_id, '@') - 1), '/') > 0
             THEN substr(substr(external_id, 1, instr(external_id, '@') - 1), instr(substr(external_id, 1, instr(external_id, '@') - 1), '/') + 1)
             ELSE substr(external_id, 1, instr(external_id, '@') - 1) END
    ELSE external_id END;
