using System.Diagnostics;

namespace NationalAiEval.Api.Infrastructure.Database;

/// <summary>
/// Named application locks that serialise a job across instances, spelled once per dialect. On SQLite a write
/// transaction already holds the database's write lock, so taking one costs nothing. On SQL Server it is
/// <c>sp_getapplock</c> owned by the transaction (released by its commit or rollback), taken in attempts of a second,
/// between which a cancelled request or job stops waiting; its result is always checked: a lock that was not granted
/// is an error, never ignored.
/// </summary>
public static class AppLocks
{
    /// <summary>Reconciliation batches: two runs never count a record twice.</summary>
    public const string ReconcileUsage = "nationalaieval-reconcile-usage";

    /// <summary>Idle facts: detect-idle's recomputation and the closing of a month, which freezes them.</summary>
    public const string IdleFacts = "nationalaieval-detect-idle";

    /// <summary>How long one attempt waits; between attempts cancellation is honoured.</summary>
    private const int AttemptMilliseconds = 1_000;

    private static readonly Sql TryTake = new(
        sqlite: "SELECT 0",
        sqlServer: "DECLARE @result INT; EXEC @result = sp_getapplock @Resource = @Resource, @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = @TimeoutMs; SELECT @result;");

    /// <summary>Takes <paramref name="resource"/> for the session's transaction, waiting at most <paramref name="maxWait"/>.</summary>
    public static async Task TakeAsync(DbSession session, string resource, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Provider == DatabaseProvider.Sqlite)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = await session.ExecuteScalarAsync<int>(TryTake, new { Resource = resource, TimeoutMs = AttemptMilliseconds }, cancellationToken);
            switch (result)
            {
                case >= 0:
                    return; // 0 granted at once, 1 granted after waiting
                case -1 when Stopwatch.GetElapsedTime(started) < maxWait:
                    continue; // this attempt timed out: try again
                case -1:
                    throw new TimeoutException($"The lock '{resource}' was held by another instance for more than {maxWait}.");
                default:
                    // -2 cancelled, -3 chosen as a deadlock victim, -999 a call error: the lock was not granted.
                    throw new InvalidOperationException($"sp_getapplock on '{resource}' returned {result}: the lock was not granted.");
            }
        }
    }
}
