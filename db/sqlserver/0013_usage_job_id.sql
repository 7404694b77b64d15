-- The scheduler's job id of a usage record is kept as it arrives (sacct: the JobID column; JSON: the record's whole
-- externalId), so that DCGM readings find their job by it instead of reading it back out of the record's identity
-- (api-docs/DEFINITIONS.md#job-identity). Records stored before keep what that identity held: for sacct records,
-- [cluster/]JobID@Start, the JobID between the cluster's slash and the '@' (neither may appear in a cluster or job id).
ALTER TABLE dbo.usage_record ADD job_id NVARCHAR(200) NULL;
GO
UPDATE dbo.usage_record
SET job_id = CASE
    WHEN source = N'sacct' AND CHARINDEX(N'@', external_id) > 1 THEN
        CASE WHEN CHARINDEX(N'/', LEFT(external_id, CHARINDEX(N'@', external_id) - 1)) > 0
             THEN SUBSTRING(LEFT(external_id, CHARINDEX(N'@', external_id) - 1),
                            CHARINDEX(N'/', LEFT(external_id, CHARINDEX(N'@', external_id) - 1)) + 1, 200)
             ELSE LEFT(external_id, CHARINDEX(N'@', external_id) - 1) END
    ELSE external_id END;
