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

    /// <summary>Written after a table (and its alias) in <see cref="LockingRead"/>: the rows read from it stay locked.</summary>
    public const string RowLock = "/*row lock*/";

    /// <summary>
    /// A read that locks the rows it reads, to the end of the transaction, against every other writer that locks them
    /// (on any instance): on SQL Server the table marked <see cref="RowLock"/> is read <c>WITH (UPDLOCK, HOLDLOCK)</c>; on
    /// SQLite the write transaction already holds the database's write lock, so the mark is dropped.
    /// </summary>
    public static Sql LockingRead(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains(RowLock, StringComparison.Ordinal))
        {
            throw new ArgumentException($"A locking read names the table it locks with {nameof(RowLock)}.", nameof(text));
        }

        return new(text.Replace(" " + RowLock, string.Empty, StringComparison.Ordinal), text.Replace(RowLock, "WITH (UPDLOCK, HOLDLOCK)", StringComparison.Ordinal));
    }

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
