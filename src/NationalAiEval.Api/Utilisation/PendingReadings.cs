using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.StaleIdleHours;
using NationalAiEval.Core.Usage;
using NodaTime;

namespace NationalAiEval.Api.Utilisation;

/// <summary>
/// GPU readings that arrived before anyone could tell whose work they were (their job's usage record had not arrived,
/// or their namespace was not mapped yet) are attributed when that changes: each reconciliation run looks at the
/// readings still waiting from the last <see cref="IntakeLimits.MaxDurationSeconds"/> (a job's record can arrive at
/// the latest when the job ends), at most <see cref="MaxPerRun"/> of the newest, and attributes those it now can, by
/// the same rule as at arrival (<see cref="ReadingOwners"/>). The idle hours they fall in are marked for detect-idle.
/// </summary>
public sealed class PendingReadings(Db db, IClock clock, IntakeLimits limits)
{
    public const int MaxPerRun = 20_000;

    private static readonly Sql Waiting = Sql.FirstRows("pool_id, gpu, at_unix, job, namespace", """
        FROM utilisation_sample WHERE team_id IS NULL AND (job IS NOT NULL OR namespace IS NOT NULL) AND at_unix >= @SinceUnix
        ORDER BY at_unix DESC
        """);

    private static readonly Sql Attribute = Sql.Portable("""
        UPDATE utilisation_sample SET team_id = @TeamId WHERE pool_id = @PoolId AND gpu = @Gpu AND at_unix = @AtUnix AND team_id IS NULL
        """);

    /// <summary>Returns how many readings were attributed.</summary>
    public async Task<int> AttributeAsync(CancellationToken cancellationToken)
    {
        await using var session = await db.WriteAsync(cancellationToken);
        var since = Unix.Seconds(clock.GetCurrentInstant()) - limits.MaxDurationSeconds;
        var waiting = (await session.QueryAsync<ReadingRow>(Waiting, new { SinceUnix = since, Take = MaxPerRun }, cancellationToken)).ToList();
        var attributed = 0;
        foreach (var pool in waiting.GroupBy(r => r.PoolId))
        {
            var owners = await ReadingOwners.LoadAsync(session, pool.Key, pool.Min(r => r.AtUnix), pool.Max(r => r.AtUnix), cancellationToken);
            var hours = new List<long>();
            foreach (var reading in pool)
            {
                if (owners.TeamOf(reading.Job, reading.Namespace, reading.AtUnix) is not { } team)
                {
                    continue;
                }

                attributed += await session.ExecuteAsync(Attribute, new { TeamId = team, reading.PoolId, reading.Gpu, reading.AtUnix }, cancellationToken);
                hours.Add(reading.AtUnix);
            }

            await IdleDirty.MarkHoursAsync(session, pool.Key, hours, cancellationToken);
        }

        await session.CommitAsync(cancellationToken);
        return attributed;
    }

    private sealed class ReadingRow
    {
        public long PoolId { get; init; }
        public string Gpu { get; init; } = string.Empty;
        public long AtUnix { get; init; }
        public string? Job { get; init; }
        public string? Namespace { get; init; }
    }
}
