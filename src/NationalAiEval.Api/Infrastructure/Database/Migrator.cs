using DbUp;
using DbUp.Builder;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace NationalAiEval.Api.Infrastructure.Database;

/// <summary>
/// Applies the numbered scripts of <c>db/sqlite</c> or <c>db/sqlserver</c> (embedded in this assembly) with DbUp.
/// Scripts run in name order, each in its own transaction, and each only once.
/// </summary>
public sealed class Migrator(DatabaseSettings settings, ILogger<Migrator> logger)
{
    public const string SqliteScriptPrefix = "db.sqlite.";
    public const string SqlServerScriptPrefix = "db.sqlserver.";

    // Several instances may start at once against one SQL Server: one of them migrates, the others wait.
    // SQLite needs no lock of its own: each migration script runs in a transaction that holds the file's write lock.
    private static readonly Sql AcquireMigrationLock = new(
        sqlite: "SELECT 0",
        sqlServer: "DECLARE @result INT; EXEC @result = sp_getapplock @Resource = N'nationalaieval-migrations', @LockMode = N'Exclusive', @LockOwner = N'Session', @LockTimeout = 120000; SELECT @result;");

    public void Migrate()
    {
        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            MigrateSqlite();
        }
        else
        {
            MigrateSqlServer();
        }
    }

    private void MigrateSqlite()
    {
        var file = settings.SqliteFilePath;
        if (file is not null && file != ":memory:")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        }

        using (var connection = new SqliteConnection(settings.ConnectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            // WAL lets readers proceed while one writer holds the lock; the mode is stored in the file.
            command.CommandText = "PRAGMA journal_mode=WAL;";
            command.ExecuteNonQuery();
        }

        Run(DeployChanges.To.SqliteDatabase(settings.ConnectionString), SqliteScriptPrefix);
    }

    private void MigrateSqlServer()
    {
        using var lockConnection = new SqlConnection(settings.ConnectionString);
        lockConnection.Open();
        using (var command = lockConnection.CreateCommand())
        {
            command.CommandText = AcquireMigrationLock.SqlServer;
            command.CommandTimeout = 150;
            var result = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (result < 0)
            {
                throw new InvalidOperationException($"Could not take the migration lock (sp_getapplock returned {result}).");
            }
        }

        // Closing the lock connection at the end of this method releases the session lock.
        Run(DeployChanges.To.SqlDatabase(settings.ConnectionString), SqlServerScriptPrefix);
    }

    private void Run(UpgradeEngineBuilder builder, string prefix)
    {
        var engine = builder
            .WithScriptsEmbeddedInAssembly(typeof(Migrator).Assembly, name => name.StartsWith(prefix, StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogTo(logger)
            .Build();
        var result = engine.PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException($"Migration failed in {result.ErrorScript?.Name}: {result.Error?.Message}", result.Error);
        }
    }
}
