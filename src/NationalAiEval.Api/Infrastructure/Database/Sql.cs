namespace NationalAiEval.Api.Infrastructure.Database;

/// <summary>
/// One statement in both dialects. This is the whole dialect seam: where SQLite and SQL Server agree the text is
/// written once (<see cref="Portable"/>); where they differ (RETURNING vs OUTPUT, LIMIT vs TOP, lock hints) both
/// spellings sit side by side. Declare statements as <c>static readonly Sql</c> fields next to the code that runs
/// them: tests find every such field, parse the SQL Server text with ScriptDom and prepare the SQLite text.
/// </summary>
public sealed record Sql
{
    public Sql(string sqlite, string sqlServer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sqlite);
        ArgumentException.ThrowIfNullOrWhiteSpace(sqlServer);
        Sqlite = sqlite;
        SqlServer = sqlServer;
    }

    public string Sqlite { get; }

    public string SqlServer { get; }

    public static Sql Portable(string text) => new(text, text);

    /// <summary>An INSERT that returns the new row's id: <c>RETURNING id</c> on SQLite, <c>OUTPUT INSERTED.id</c> on SQL Server.</summary>
    public static Sql InsertReturningId(string table, string columns, string values) => new(
        $"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING id",
        $"INSERT INTO {table} ({columns}) OUTPUT INSERTED.id VALUES ({values})");

    /// <summary>
    /// The first <c>@Take</c> rows of <c>SELECT columns rest</c>, where <paramref name="rest"/> runs from FROM to ORDER BY:
    /// <c>LIMIT</c> on SQLite, <c>TOP</c> on SQL Server.
    /// </summary>
    public static Sql FirstRows(string columns, string rest) => new(
        $"SELECT {columns} {rest} LIMIT @Take",
        $"SELECT TOP (@Take) {columns} {rest}");

    public string For(DatabaseProvider provider) => provider == DatabaseProvider.SqlServer ? SqlServer : Sqlite;
}
