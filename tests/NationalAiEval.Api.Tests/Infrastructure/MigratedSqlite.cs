using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using NationalAiEval.Api.Infrastructure.Database;

namespace NationalAiEval.Api.Tests.Infrastructure;

/// <summary>
/// A SQLite file that the real migrations built, open, for tests that read or prepare against the schema without
/// starting the service; the file is deleted when disposed.
/// </summary>
public sealed class MigratedSqlite : IDisposable
{
    private readonly string _file;

    public MigratedSqlite()
    {
        _file = Path.Combine(Path.GetTempPath(), $"nae-migrated-{Guid.NewGuid():N}.db");
        var settings = new DatabaseSettings(DatabaseProvider.Sqlite, DatabaseSettings.SqliteConnectionString($"Data Source={_file}", Path.GetTempPath()));
        new Migrator(settings, NullLogger<Migrator>.Instance).Migrate();
        Connection = new SqliteConnection(settings.ConnectionString);
        Connection.Open();
    }

    public SqliteConnection Connection { get; }

    public void Execute(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The first column of every row <paramref name="sql"/> returns, as text.</summary>
    public List<string> Strings(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    public void Dispose()
    {
        Connection.Dispose();
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }
}
