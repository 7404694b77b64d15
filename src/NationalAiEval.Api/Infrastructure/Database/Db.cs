using System.Data;
using System.Data.Common;
using System.Diagnostics;
using Dapper;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace NationalAiEval.Api.Infrastructure.Database;

/// <summary>Opens sessions on the configured database. Reads use a plain connection; writes a serialising transaction.</summary>
public sealed class Db(DatabaseSettings settings)
{
    static Db()
    {
        // Columns are snake_case (start_unix), row properties PascalCase (StartUnix): map them without aliases.
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    public DatabaseProvider Provider => settings.Provider;

    public DatabaseSettings Settings => settings;

    public async Task<DbSession> ReadAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenConnectionAsync(cancellationToken);
        return new DbSession(connection, null, settings.Provider, settings.CommandTimeoutSeconds);
    }

    /// <summary>
    /// A write transaction. On SQLite it is <c>BEGIN IMMEDIATE</c> (Microsoft.Data.Sqlite's default for a
    /// serializable transaction): it takes the database's write lock at once, so concurrent writers queue rather
    /// than interleave a read-check-insert. On SQL Server it is READ COMMITTED; statements that must serialise on a
    /// row (a pool's capacity, a participation's status) take UPDLOCK/HOLDLOCK on that row.
    /// </summary>
    public async Task<DbSession> WriteAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = settings.Provider == DatabaseProvider.Sqlite
                ? await BeginSqliteWriteAsync((SqliteConnection)connection, cancellationToken)
                : await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            return new DbSession(connection, transaction, settings.Provider, settings.CommandTimeoutSeconds);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Waits for SQLite's write lock in attempts of one second (the driver's own busy wait, which sleeps the thread and
    /// cannot be cancelled; 0 would mean "forever"), and stops between attempts when the request is cancelled (the
    /// client left, or the request timed out). After the command timeout the last "busy" error is thrown, which the
    /// API answers with 503.
    /// </summary>
    private async Task<DbTransaction> BeginSqliteWriteAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (settings.CommandTimeoutSeconds * Stopwatch.Frequency);
        var wait = TimeSpan.FromMilliseconds(2);
        connection.DefaultTimeout = 1;
        while (true)
        {
            try
            {
                return await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
            }
            catch (SqliteException busy) when (busy.SqliteErrorCode is 5 or 6 && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(wait + TimeSpan.FromMilliseconds(Random.Shared.Next(3)), cancellationToken);
                wait = TimeSpan.FromMilliseconds(Math.Min(50, wait.TotalMilliseconds * 2));
            }
            finally
            {
                connection.DefaultTimeout = settings.CommandTimeoutSeconds;
            }
        }
    }

    public async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        DbConnection connection = settings.Provider == DatabaseProvider.SqlServer
            ? new SqlConnection(settings.ConnectionString)
            : new SqliteConnection(settings.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

/// <summary>A connection, and a transaction when writing, that runs <see cref="Sql"/> statements in the right dialect.</summary>
public sealed class DbSession(DbConnection connection, DbTransaction? transaction, DatabaseProvider provider, int commandTimeoutSeconds) : IAsyncDisposable
{
    private bool _committed;

    public DatabaseProvider Provider => provider;

    public Task<IEnumerable<T>> QueryAsync<T>(Sql sql, object? parameters = null, CancellationToken cancellationToken = default) =>
        connection.QueryAsync<T>(Command(sql, parameters, cancellationToken));

    public Task<T?> QuerySingleOrDefaultAsync<T>(Sql sql, object? parameters = null, CancellationToken cancellationToken = default) =>
        connection.QuerySingleOrDefaultAsync<T>(Command(sql, parameters, cancellationToken));

    public Task<T> QuerySingleAsync<T>(Sql sql, object? parameters = null, CancellationToken cancellationToken = default) =>
        connection.QuerySingleAsync<T>(Command(sql, parameters, cancellationToken));

    public Task<T?> ExecuteScalarAsync<T>(Sql sql, object? parameters = null, CancellationToken cancellationToken = default) =>
        connection.ExecuteScalarAsync<T>(Command(sql, parameters, cancellationToken));

    public Task<int> ExecuteAsync(Sql sql, object? parameters = null, CancellationToken cancellationToken = default) =>
        connection.ExecuteAsync(Command(sql, parameters, cancellationToken));

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        if (transaction is null)
        {
            throw new InvalidOperationException("A read session has no transaction to commit.");
        }

        await transaction.CommitAsync(cancellationToken);
        _committed = true;
    }

    /// <summary>Disposing without a commit rolls back: an error anywhere in a request leaves nothing half-written.</summary>
    public async ValueTask DisposeAsync()
    {
        if (transaction is not null)
        {
            if (!_committed)
            {
                try
                {
                    await transaction.RollbackAsync();
                }
                catch (InvalidOperationException)
                {
                    // The transaction was already completed by the server (for example after a deadlock).
                }
            }

            await transaction.DisposeAsync();
        }

        await connection.DisposeAsync();
    }

    private CommandDefinition Command(Sql sql, object? parameters, CancellationToken cancellationToken) =>
        new(sql.For(provider), parameters, transaction, commandTimeoutSeconds, cancellationToken: cancellationToken);
}
