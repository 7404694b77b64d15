using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Core.Usage;

namespace NationalAiEval.Api.StaleIdleHours;

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

    /// <summary>
    /// Marks the hours of the given instants, as runs of nearby hours rather than one span from the first to the last:
    /// a job from 2001 beside one from today must not make detect-idle recompute every hour in between.
    /// </summary>
    public static async Task MarkHoursAsync(DbSession session, long poolId, IEnumerable<long> instantsUnix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instantsUnix);
        foreach (var (from, to) in HourRuns(instantsUnix))
        {
            await MarkAsync(session, poolId, from, to, cancellationToken);
        }
    }

    /// <summary>Hours with at most a day between them are one run: fewer marks, and at most a day of hours recomputed needlessly.</summary>
    private static List<(long From, long To)> HourRuns(IEnumerable<long> instantsUnix)
    {
        var runs = new List<(long From, long To)>();
        foreach (var hour in instantsUnix.Select(HourlyBuckets.HourOf).Distinct().Order())
        {
            if (runs.Count > 0 && hour - runs[^1].To <= 86_400)
            {
                runs[^1] = (runs[^1].From, hour + HourlyBuckets.HourSeconds);
            }
            else
            {
                runs.Add((hour, hour + HourlyBuckets.HourSeconds));
            }
        }

        return runs;
    }
}
