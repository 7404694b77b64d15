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

    public string For(DatabaseProvider provider) => provider == DatabaseProvider.SqlServer ? SqlServer : Sqlite;
}
