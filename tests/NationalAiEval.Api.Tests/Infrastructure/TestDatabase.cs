using DbUp;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace NationalAiEval.Api.Tests.Infrastructure;

/// <summary>
/// A fresh, empty database for one test: a new SQLite file, or a new database on the SQL Server named by
/// NATIONALAIEVAL_TEST_SQLSERVER. The service itself creates the schema from the real migrations at start.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string SqlServerVariable = "NATIONALAIEVAL_TEST_SQLSERVER";

    private TestDatabase(DatabaseKind kind, string connectionString, string? sqliteFile)
    {
        Kind = kind;
        ConnectionString = connectionString;
        SqliteFile = sqliteFile;
    }

    public DatabaseKind Kind { get; }

    public string ConnectionString { get; }

    public string? SqliteFile { get; }

    public static string? SqlServerConnectionString => Environment.GetEnvironmentVariable(SqlServerVariable) is { Length: > 0 } text ? text : null;

    public static string SkipReason => $"SQL Server suite skipped: set {SqlServerVariable} to a connection string to run it.";

    public static TestDatabase Create(DatabaseKind kind)
    {
        if (kind == DatabaseKind.Sqlite)
        {
            var directory = Path.Combine(Path.GetTempPath(), "nationalaieval-tests");
            Directory.CreateDirectory(directory);
            var file = Path.Combine(directory, $"{Guid.NewGuid():N}.db");
            return new TestDatabase(kind, $"Data Source={file}", file);
        }

        var server = SqlServerConnectionString ?? throw new InvalidOperationException(SkipReason);
        var builder = new SqlConnectionStringBuilder(server) { InitialCatalog = $"nae_test_{Guid.NewGuid():N}" };
        EnsureDatabase.For.SqlDatabase(builder.ConnectionString);
        return new TestDatabase(kind, builder.ConnectionString, null);
    }

    public async ValueTask DisposeAsync()
    {
        if (SqliteFile is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var path in new[] { SqliteFile, SqliteFile + "-wal", SqliteFile + "-shm" }.Where(File.Exists))
            {
                File.Delete(path);
            }
        }
        else
        {
            SqlConnection.ClearAllPools();
            DropDatabase.For.SqlDatabase(ConnectionString);
        }

        await Task.CompletedTask;
    }
}
