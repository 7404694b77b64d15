using System.Data;
using System.Data.Common;
using System.Diagnostics;
using Dapper;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace NationalAiEval.Api.Infrastructure.Database;

/// <summary>Opens sessions on the configured database. Reads use a plain connection; writes a serialising transaction.</summary>
public sealed class Db(DatabaseSettings settings) : IDisposable
{
    static Db()
    {
        // Columns are snake_case (start_unix), row properties PascalCase (StartUnix): map them without aliases.
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    private long _writeVersion;

    public DatabaseProvider Provider => settings.Provider;

    /// <summary>
    /// Counts the write transactions this instance has committed: a cache of derived figures (the quota) stays valid
    /// while it has not moved. Other instances' writes are not counted; such caches also age out.
    /// </summary>
    public long WriteVersion => Interlocked.Read(ref _writeVersion);

    internal void Committed() => Interlocked.Increment(ref _writeVersion);

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
        var turn = settings.Provider == DatabaseProvider.Sqlite ? await WaitForSqliteTurnAsync(cancellationToken) : null;
        DbConnection? connection = null;
        try
        {
            connection = await OpenConnectionAsync(cancellationToken);
            var transaction = settings.Provider == DatabaseProvider.Sqlite
                ? await BeginSqliteWriteAsync((SqliteConnection)connection, cancellationToken)
                : await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            return new DbSession(connection, transaction, settings.Provider, settings.CommandTimeoutSeconds, turn, Committed);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            turn?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// SQLite has one writer at a time, and a writer that finds the lock taken can only poll for it. Writers of this
    /// process therefore queue here first and are handed the turn the moment the previous one ends; polling is left to
    /// races with other processes on the same file. Waiting longer than the command timeout is the same "busy" error
    /// (503) as waiting for another process.
    /// </summary>
    private async Task<IDisposable> WaitForSqliteTurnAsync(CancellationToken cancellationToken)
    {
        if (!await _sqliteWriters.WaitAsync(TimeSpan.FromSeconds(settings.CommandTimeoutSeconds), cancellationToken))
        {
            throw new SqliteException("database is locked: another write of this service took longer than the command timeout", 5);
        }

        return new Turn(_sqliteWriters);
    }

    private readonly SemaphoreSlim _sqliteWriters = new(1, 1);

    public void Dispose() => _sqliteWriters.Dispose();

    private sealed class Turn(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
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
public sealed class DbSession(
    DbConnection connection, DbTransaction? transaction, DatabaseProvider provider, int commandTimeoutSeconds, IDisposable? writerTurn = null,
    Action? committed = null) : IAsyncDisposable
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

    /// <summary>Rows read by position into <paramref name="read"/>: for bulk reads, where mapping by name would cost more than the read.</summary>
    public async Task<List<T>> ReadRowsAsync<T>(Sql sql, object? parameters, Func<DbDataReader, T> read, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        var rows = new List<T>();
        await using var reader = (DbDataReader)await connection.ExecuteReaderAsync(Command(sql, parameters, cancellationToken));
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    public Task<int> ExecuteAsync(Sql sql, object? parameters = null, CancellationToken cancellationToken = default) =>
        connection.ExecuteAsync(Command(sql, parameters, cancellationToken));

    public Task CommitAsync(CancellationToken cancellationToken = default) => CommitAsync(changesFigures: true, cancellationToken);

    /// <summary>
    /// Commits bookkeeping that no cached figure derives from (a key's last use), so that caches keyed on
    /// <see cref="Db.WriteVersion"/> stay valid.
    /// </summary>
    public Task CommitBookkeepingAsync(CancellationToken cancellationToken = default) => CommitAsync(changesFigures: false, cancellationToken);

    private async Task CommitAsync(bool changesFigures, CancellationToken cancellationToken)
    {
        if (transaction is null)
        {
            throw new InvalidOperationException("A read session has no transaction to commit.");
        }

        await transaction.CommitAsync(cancellationToken);
        _committed = true;
        if (changesFigures)
        {
            committed?.Invoke();
        }
    }

    /// <summary>Disposing without a commit rolls back: an error anywhere in a request leaves nothing half-written.</summary>
    public async ValueTask DisposeAsync()
    {
        try
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
        finally
        {
            writerTurn?.Dispose();
        }
    }

    /// <summary>
    /// A command parsed once and run once per row with new values (the bulk paths: ingestion, reconciliation), where
    /// Dapper's per-call parameter objects would cost more than the statement itself.
    /// </summary>
    public PreparedCommand Prepare(Sql sql, params string[] parameterNames)
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(parameterNames);
        var command = connection.CreateCommand();
        command.CommandText = sql.For(provider);
        command.Transaction = transaction;
        command.CommandTimeout = commandTimeoutSeconds;
        foreach (var name in parameterNames)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            command.Parameters.Add(parameter);
        }

        return new PreparedCommand(command);
    }

    private CommandDefinition Command(Sql sql, object? parameters, CancellationToken cancellationToken) =>
        new(sql.For(provider), parameters, transaction, commandTimeoutSeconds, cancellationToken: cancellationToken);
}

/// <summary>A statement and its parameters, set by position (the order given to <see cref="DbSession.Prepare"/>).</summary>
public sealed class PreparedCommand(DbCommand command) : IDisposable
{
    public PreparedCommand Set(int index, object? value)
    {
        command.Parameters[index].Value = value ?? DBNull.Value;
        return this;
    }

    /// <summary>Rows affected.</summary>
    public Task<int> ExecuteAsync(CancellationToken cancellationToken) => command.ExecuteNonQueryAsync(cancellationToken);

    public void Dispose() => command.Dispose();
}
