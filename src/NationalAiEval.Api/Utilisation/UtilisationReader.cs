using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Idle;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Infrastructure.Programme;
using NationalAiEval.Api.Pools;
using NationalAiEval.Api.Usage;
using NationalAiEval.Core.Units;
using NationalAiEval.Core.Usage;
using NodaTime;

namespace NationalAiEval.Api.Utilisation;

/// <summary>A pool's utilisation per bucket, from the hourly idle facts; every bucket of the range is listed, empty ones included.</summary>
public sealed class UtilisationReader(Db db, IClock clock, ProgrammeSettings programme)
{
    private static readonly Sql Hours = Sql.Portable("""
        SELECT hour_unix, leased_gs, allocated_gs, used_gs, excess_gs, allocated_unused_gs, unallocated_gs, low_util_ugs
        FROM idle_fact WHERE pool_id = @PoolId AND hour_unix >= @FromUnix AND hour_unix < @ToUnix ORDER BY hour_unix
        """);

    private static readonly Sql ComputedUntil = Sql.Portable("SELECT value FROM job_state WHERE name = @Name");

    public async Task<UtilisationSeriesView> ReadAsync(
        string poolCode, SeriesQuery query, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (unit, start, end, bounds) = query.Resolve(Unix.Now(clock), programme.TimeZone);

        await using var session = await db.ReadAsync(cancellationToken);
        var pool = await PoolStore.FindVisibleAsync(session, poolCode, caller, cancellationToken);
        var rows = (await session.QueryAsync<HourRow>(Hours, new
        {
            PoolId = pool.Id,
            FromUnix = HourlyBuckets.HourOf(Unix.Seconds(start)),
            ToUnix = Unix.Seconds(end),
        }, cancellationToken)).ToList();
        var until = await session.QuerySingleOrDefaultAsync<long?>(ComputedUntil, new { Name = IdleCalculator.WatermarkName }, cancellationToken);

        // Rows and buckets are both in time order: one pass hands each hour to its bucket.
        var points = new List<UtilisationPoint>(bounds.Count);
        var index = 0;
        foreach (var (bucketStart, bucketEnd) in bounds)
        {
            var first = index;
            while (index < rows.Count && rows[index].HourUnix < Unix.Seconds(bucketEnd))
            {
                index++;
            }

            points.Add(Point(bucketStart, bucketEnd, rows.GetRange(first, index - first)));
        }
        return new UtilisationSeriesView(pool.Code, unit, programme.TimeZone.Id, start, end, until is { } u ? Unix.Instant(u) : null,
            Point(start, end, rows), points);
    }

    private static UtilisationPoint Point(Instant start, Instant end, IEnumerable<HourRow> hours)
    {
        long leased = 0, allocated = 0, used = 0, excess = 0, unused = 0, unallocated = 0, low = 0;
        foreach (var h in hours)
        {
            leased += h.LeasedGs;
            allocated += h.AllocatedGs;
            used += h.UsedGs;
            excess += h.ExcessGs;
            unused += h.AllocatedUnusedGs;
            unallocated += h.UnallocatedGs;
            low += h.LowUtilUgs;
        }

        return new UtilisationPoint(start, end, GpuTime.ToGpuHours(leased), GpuTime.ToGpuHours(allocated), GpuTime.ToGpuHours(used),
            GpuTime.ToGpuHours(unallocated), GpuTime.ToGpuHours(unused), GpuTime.MicroToGpuHours(low), GpuTime.ToGpuHours(excess),
            leased == 0 ? 0m : Math.Round(100m * used / leased, 2, MidpointRounding.AwayFromZero));
    }

    private sealed class HourRow
    {
        public long HourUnix { get; init; }
        public long LeasedGs { get; init; }
        public long AllocatedGs { get; init; }
        public long UsedGs { get; init; }
        public long ExcessGs { get; init; }
        public long AllocatedUnusedGs { get; init; }
        public long UnallocatedGs { get; init; }
        public long LowUtilUgs { get; init; }
    }
}
