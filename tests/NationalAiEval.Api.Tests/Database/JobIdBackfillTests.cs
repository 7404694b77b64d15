using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests.Database;

/// <summary>Migration 0013 gives records stored before it the job id their identity held: sacct's JobID, or a JSON record's whole externalId.</summary>
public sealed class JobIdBackfillTests
{
    [Fact]
    public void StoredRecords_GetTheJobIdTheirIdentityHeld()
    {
        using var database = new MigratedSqlite();
        database.Execute("""
            INSERT INTO pool (code, name, provider, gpu_model, gpus_per_node, version, created_unix) VALUES ('p', 'p', 'x', 'H100', 8, 1, 0);
            INSERT INTO usage_record (pool_id, external_id, account, start_unix, end_unix, until_unix, gpus, gpu_seconds, source, revision, received_unix, dirty)
            VALUES (1, 'haein/123_4@2026-03-01T00:00:00Z', 'a', 0, 1, 1, 1, 1, 'sacct', 1, 0, 0),
                   (1, '77@2026-03-01T00:00:00Z', 'a', 0, 1, 1, 1, 1, 'sacct', 1, 0, 0),
                   (1, 'k8s/team@run-9', 'a', 0, 1, 1, 1, 1, 'json', 1, 0, 0);
            """);

        // The step that fills the column, as the migration wrote it (the column itself exists already).
        var script = File.ReadAllText(Path.Combine(RepositoryPaths.MigrationFolder("sqlite"), "0013_usage_job_id.sql"));
        database.Execute(string.Join(";", script.Split(';').Where(s => !s.Contains("ALTER TABLE", StringComparison.Ordinal))));

        Assert.Equal(["123_4", "77", "k8s/team@run-9"], database.Strings("SELECT job_id FROM usage_record ORDER BY id"));
    }
}
