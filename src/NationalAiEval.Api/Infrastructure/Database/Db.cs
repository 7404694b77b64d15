using System.Data;
using System.Data.Common;
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
        return new DbSession(connection, null, settings.Provider);
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
                ? await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken)
                : await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            return new DbSession(connection, transaction, settings.Provider);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
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
public sealed class DbSession(DbConnection connection, DbTransaction? transaction, DatabaseProvider provider) : IAsyncDisposable
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
        new(sql.For(provider), parameters, transaction, cancellationToken: cancellationToken);
}
