using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Infrastructure.Programme;
using NationalAiEval.Api.Teams;
using NationalAiEval.Core.Units;
using NationalAiEval.Core.Usage;
using NodaTime;

namespace NationalAiEval.Api.Usage;

/// <summary>
/// A team's usage series from its hourly facts, for charts and for checking a bill: every bucket of the range is
/// listed, empty ones included, so a gap in reporting shows as a gap.
/// </summary>
public sealed class TeamUsageReader(Db db, IClock clock, ProgrammeSettings programme)
{
    public async Task<TeamUsageView> ReadAsync(string teamCode, SeriesQuery query, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (unit, start, end, bounds) = query.Resolve(Unix.Now(clock), programme.TimeZone);

        await using var session = await db.ReadAsync(cancellationToken);
        var team = await TeamStore.FindVisibleAsync(session, teamCode, caller, cancellationToken);
        var rows = (await session.QueryAsync<HourRow>(UsageSql.HourlyByPool, new
        {
            TeamId = team.Id,
            FromUnix = HourlyBuckets.HourOf(Unix.Seconds(start)),
            ToUnix = Unix.Seconds(end),
        }, cancellationToken)).ToList();

        var buckets = new List<UsageBucket>(bounds.Count);
        var index = 0;
        foreach (var (bucketStart, bucketEnd) in bounds)
        {
            var inBucket = new List<HourRow>();
            while (index < rows.Count && rows[index].HourUnix < Unix.Seconds(bucketEnd))
            {
                if (rows[index].HourUnix >= HourlyBuckets.HourOf(Unix.Seconds(bucketStart)))
                {
                    inBucket.Add(rows[index]);
                }

                index++;
            }

            buckets.Add(Bucket(bucketStart, bucketEnd, inBucket));
        }

        return new TeamUsageView(team.Code, unit, programme.TimeZone.Id, start, end, Bucket(start, end, rows), buckets);
    }

    private static UsageBucket Bucket(Instant start, Instant end, List<HourRow> rows)
    {
        var byPool = rows.GroupBy(r => r.Pool, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new PoolUsage(g.Key, GpuTime.ToGpuHours(g.Sum(r => r.RawGpuSeconds)), GpuTime.ToEquivalentGpuHours(g.Sum(r => r.MilliEghSeconds))))
            .ToList();
        return new UsageBucket(start, end, GpuTime.ToGpuHours(rows.Sum(r => r.RawGpuSeconds)), GpuTime.ToEquivalentGpuHours(rows.Sum(r => r.MilliEghSeconds)), byPool);
    }

    private sealed class HourRow
    {
        public string Pool { get; init; } = string.Empty;
        public long HourUnix { get; init; }
        public long RawGpuSeconds { get; init; }
        public long MilliEghSeconds { get; init; }
    }
}
