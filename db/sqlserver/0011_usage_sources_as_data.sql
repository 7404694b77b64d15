-- Usage sources are data: a new intake format is a row in usage_source, not a change to usage_record's definition.
-- The CHECK (source IN ('json', 'sacct')) of 0002 gives way to a reference to usage_source; source widens for longer codes.
CREATE TABLE dbo.usage_source (
    code NVARCHAR(16) NOT NULL CONSTRAINT pk_usage_source PRIMARY KEY,
    description NVARCHAR(200) NOT NULL
);
INSERT INTO dbo.usage_source (code, description) VALUES
    (N'json', N'JSON records: POST /api/v1/pools/{pool}/usage'),
    (N'sacct', N'sacct --parsable2 text: POST /api/v1/pools/{pool}/usage/sacct');
ALTER TABLE dbo.usage_record DROP CONSTRAINT ck_usage_record_source;
ALTER TABLE dbo.usage_record ALTER COLUMN source NVARCHAR(16) NOT NULL;
GO
ALTER TABLE dbo.usage_record ADD CONSTRAINT fk_usage_record_source FOREIGN KEY (source) REFERENCES dbo.usage_source (code);
