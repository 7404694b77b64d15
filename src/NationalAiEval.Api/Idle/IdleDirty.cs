using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Core.Usage;

namespace NationalAiEval.Api.Idle;

/// <summary>
/// Marks a pool's time range as needing its idle facts recomputed. Called inside the transaction of the change that
/// made them stale, so the mark exists exactly when the change does; detect-idle consumes the marks.
/// </summary>
public static class IdleDirty
{
    private static readonly Sql Mark = Sql.Portable("INSERT INTO idle_dirty (pool_id, from_unix, to_unix) VALUES (@PoolId, @FromUnix, @ToUnix)");

    public static Task MarkAsync(DbSession session, long poolId, long fromUnix, long toUnix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var from = HourlyBuckets.HourOf(Math.Min(fromUnix, toUnix));
        var to = HourlyBuckets.HourOf(Math.Max(fromUnix, toUnix) - 1) + HourlyBuckets.HourSeconds;
        return to <= from
            ? Task.CompletedTask
            : session.ExecuteAsync(Mark, new { PoolId = poolId, FromUnix = from, ToUnix = to }, cancellationToken);
    }
}
