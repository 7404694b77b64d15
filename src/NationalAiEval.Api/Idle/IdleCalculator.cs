using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Usage;
using NationalAiEval.Api.Weights;
using NationalAiEval.Core.Idle;
using NationalAiEval.Core.Usage;
using NationalAiEval.Core.Weights;
using NodaTime;

namespace NationalAiEval.Api.Idle;

/// <summary>
/// Keeps the hourly idle facts in step with their sources: every complete hour from the first lease on, and every
/// range a change marked stale. A pool-range is recomputed whole (deleted and rewritten) in one transaction together
/// with consuming its marks, so running twice, or on two instances, gives the same facts. Only hours inside the pool's
/// lease cover (its leases widened by the intake tolerance, <see cref="LeaseCover"/>) are computed: usage can lie
/// nowhere else, so the work is bounded by the leases a manager recorded, never by the dates a provider sent.
/// </summary>
public sealed class IdleCalculator(Db db, IClock clock, IdleSettings settings, IntakeLimits limits)
{
    public const string WatermarkName = "detect-idle:computed-until";

    /// <summary>Another instance recomputing the same pool, or closing a month, is done well within this.</summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromMinutes(10);

    private const long Day = 86_400;

    private static readonly Sql Pools = Sql.Portable("""
        SELECT p.id, p.gpu_model, MIN(l.start_unix) AS first_lease_unix
        FROM pool p LEFT JOIN lease_line l ON l.pool_id = p.id GROUP BY p.id, p.gpu_model ORDER BY p.id
        """);

    private static readonly Sql Watermark = Sql.Portable("SELECT value FROM job_state WHERE name = @Name");

    private static readonly Sql DeleteWatermark = Sql.Portable("DELETE FROM job_state WHERE name = @Name");

    private static readonly Sql InsertWatermark = Sql.Portable("INSERT INTO job_state (name, value) VALUES (@Name, @Value)");

    private static readonly Sql DirtyMarks = Sql.Portable("SELECT id, pool_id, from_unix, to_unix FROM idle_dirty WHERE pool_id = @PoolId ORDER BY id");

    private static readonly Sql ConsumeMarks = Sql.Portable("DELETE FROM idle_dirty WHERE pool_id = @PoolId AND id <= @UpToId");

    private static readonly Sql Leases = Sql.Portable("SELECT gpus, start_unix, end_unix, krw_per_gpu_hour FROM lease_line WHERE pool_id = @PoolId AND start_unix < @ToUnix AND end_unix > @FromUnix");

    private static readonly Sql Allocations = Sql.Portable("""
        SELECT pa.team_id, a.gpus, a.start_unix, a.end_unix FROM allocation a JOIN participation pa ON pa.id = a.participation_id
        WHERE a.pool_id = @PoolId AND a.start_unix < @ToUnix AND a.end_unix > @FromUnix
        """);

    private static readonly Sql TeamUsage = Sql.Portable("""
        SELECT team_id, hour_unix, gpu_seconds FROM usage_fact WHERE pool_id = @PoolId AND hour_unix >= @FromUnix AND hour_unix < @ToUnix AND gpu_seconds <> 0
        """);

    private static readonly Sql UnmappedUsage = Sql.Portable("""
        SELECT hour_unix, SUM(gpu_seconds) AS gpu_seconds FROM unmapped_usage_fact
        WHERE pool_id = @PoolId AND hour_unix >= @FromUnix AND hour_unix < @ToUnix GROUP BY hour_unix
        """);

    private static readonly Sql Utilisation = Sql.Portable("""
        SELECT team_id, at_unix - (at_unix % 3600) AS hour_unix, COUNT(*) AS samples,
               SUM(CASE WHEN percent_milli < @LowMilli THEN 1 ELSE 0 END) AS low_samples
        FROM utilisation_sample WHERE pool_id = @PoolId AND at_unix >= @FromUnix AND at_unix < @ToUnix AND team_id IS NOT NULL
        GROUP BY team_id, at_unix - (at_unix % 3600)
        """);

    private static readonly Sql DeleteFacts = Sql.Portable("DELETE FROM idle_fact WHERE pool_id = @PoolId AND hour_unix >= @FromUnix AND hour_unix < @ToUnix");

    private static readonly Sql DeleteTeamFacts = Sql.Portable("DELETE FROM idle_team_fact WHERE pool_id = @PoolId AND hour_unix >= @FromUnix AND hour_unix < @ToUnix");

    private static readonly Sql InsertFact = Sql.Portable("""
        INSERT INTO idle_fact (pool_id, hour_unix, leased_gs, allocated_gs, used_gs, excess_gs, allocated_unused_gs, unallocated_gs, low_util_ugs,
                               leased_num, used_num, allocated_unused_num, unallocated_num, low_util_mnum, leased_meg, used_meg, allocated_unused_meg, unallocated_meg)
        VALUES (@PoolId, @HourUnix, @Leased, @Allocated, @Used, @Excess, @AllocatedUnused, @Unallocated, @LowUtilisation,
                @LeasedKrwNumerator, @UsedKrwNumerator, @AllocatedUnusedKrwNumerator, @UnallocatedKrwNumerator, @LowUtilisationKrwNumerator, @LeasedMeg, @UsedMeg, @AllocatedUnusedMeg, @UnallocatedMeg)
        """);

    private static readonly Sql InsertTeamFact = Sql.Portable("""
        INSERT INTO idle_team_fact (pool_id, team_id, hour_unix, allocated_gs, used_gs, allocated_unused_gs, low_util_ugs, used_num, allocated_unused_num, low_util_mnum, used_meg, allocated_unused_meg, excess_gs)
        VALUES (@PoolId, @TeamId, @HourUnix, @Allocated, @Used, @AllocatedUnused, @LowUtilisation, @UsedKrwNumerator, @AllocatedUnusedKrwNumerator, @LowUtilisationKrwNumerator, @UsedMeg, @AllocatedUnusedMeg, @Excess)
        """);

    private static readonly Sql DeleteDays = Sql.Portable("DELETE FROM idle_day_fact WHERE pool_id = @PoolId AND day_unix >= @FromDay AND day_unix < @ToDay");

    private static readonly Sql DeleteTeamDays = Sql.Portable("DELETE FROM idle_team_day_fact WHERE pool_id = @PoolId AND day_unix >= @FromDay AND day_unix < @ToDay");

    /// <summary>The UTC days around recomputed hours, summed again from the hours (see migration 0007).</summary>
    private static readonly Sql RollUpDays = Sql.Portable($"""
        INSERT INTO idle_day_fact (pool_id, day_unix, {IdleFactColumns.List(IdleFactColumns.Pool)})
        SELECT pool_id, hour_unix - (hour_unix % 86400), {IdleFactColumns.Sums(IdleFactColumns.Pool, named: false)}
        FROM idle_fact WHERE pool_id = @PoolId AND hour_unix >= @FromDay AND hour_unix < @ToDay
        GROUP BY pool_id, hour_unix - (hour_unix % 86400)
        """);

    private static readonly Sql RollUpTeamDays = Sql.Portable($"""
        INSERT INTO idle_team_day_fact (pool_id, team_id, day_unix, {IdleFactColumns.List(IdleFactColumns.Team)})
        SELECT pool_id, team_id, hour_unix - (hour_unix % 86400), {IdleFactColumns.Sums(IdleFactColumns.Team, named: false)}
        FROM idle_team_fact WHERE pool_id = @PoolId AND hour_unix >= @FromDay AND hour_unix < @ToDay
        GROUP BY pool_id, team_id, hour_unix - (hour_unix % 86400)
        """);

    /// <summary>Recomputes what is stale or new, up to the last complete hour. Returns the pool-hours recomputed.</summary>
    public async Task<long> RefreshAsync(CancellationToken cancellationToken)
    {
        var current = HourlyBuckets.HourOf(Unix.Seconds(clock.GetCurrentInstant()));
        List<PoolRow> pools;
        long? until;
        await using (var read = await db.ReadAsync(cancellationToken))
        {
            pools = (await read.QueryAsync<PoolRow>(Pools, cancellationToken: cancellationToken)).ToList();
            until = await read.QuerySingleOrDefaultAsync<long?>(Watermark, new { Name = WatermarkName }, cancellationToken);
        }

        long hours = 0;
        foreach (var pool in pools)
        {
            hours += await RefreshPoolAsync(pool, until, current, cancellationToken);
        }

        await using var write = await db.WriteAsync(cancellationToken);
        await write.ExecuteAsync(DeleteWatermark, new { Name = WatermarkName }, cancellationToken);
        await write.ExecuteAsync(InsertWatermark, new { Name = WatermarkName, Value = current }, cancellationToken);
        await write.CommitAsync(cancellationToken);
        return hours;
    }

    private async Task<long> RefreshPoolAsync(PoolRow pool, long? until, long current, CancellationToken cancellationToken)
    {
        await using var session = await db.WriteAsync(cancellationToken);
        await AppLocks.TakeAsync(session, AppLocks.IdleFacts, LockWait, cancellationToken);
        var marks = (await session.QueryAsync<MarkRow>(DirtyMarks, new { PoolId = pool.Id }, cancellationToken)).ToList();
        var ranges = marks.Select(m => (From: m.FromUnix, To: Math.Min(m.ToUnix, current))).ToList();
        if (pool.FirstLeaseUnix is { } first)
        {
            ranges.Add((Math.Max(until ?? HourlyBuckets.HourOf(first), HourlyBuckets.HourOf(first)), current));
        }

        long hours = 0;
        var weights = await WeightStore.LoadScheduleAsync(session, cancellationToken);
        var cover = await LeaseCovers.LoadAsync(session, pool.Id, limits.LeaseToleranceSeconds, cancellationToken);
        var inCover = ranges.Where(r => r.To > r.From)
            .SelectMany(r => cover.Clip(r.From, r.To))
            .Select(r => (From: HourlyBuckets.HourOf(r.From), To: Math.Min(current, HourlyBuckets.HourOf(r.To - 1) + HourlyBuckets.HourSeconds)))
            .Where(r => r.To > r.From);
        foreach (var (from, to) in IdleHours.Merge(inCover))
        {
            hours += await ComputeAsync(session, pool, from, to, weights, cancellationToken);
            var days = new { PoolId = pool.Id, FromDay = from - (from % Day), ToDay = to % Day == 0 ? to : to - (to % Day) + Day };
            await session.ExecuteAsync(DeleteDays, days, cancellationToken);
            await session.ExecuteAsync(DeleteTeamDays, days, cancellationToken);
            await session.ExecuteAsync(RollUpDays, days, cancellationToken);
            await session.ExecuteAsync(RollUpTeamDays, days, cancellationToken);
        }

        if (marks.Count > 0)
        {
            await session.ExecuteAsync(ConsumeMarks, new { PoolId = pool.Id, UpToId = marks.Max(m => m.Id) }, cancellationToken);
        }

        await session.CommitAsync(cancellationToken);
        return hours;
    }

    private async Task<long> ComputeAsync(DbSession session, PoolRow pool, long from, long to, WeightSchedule weights, CancellationToken cancellationToken)
    {
        var range = new { PoolId = pool.Id, FromUnix = from, ToUnix = to, LowMilli = settings.LowUtilisationPercent * 1000L };
        var leases = (await session.QueryAsync<LeaseRow>(Leases, range, cancellationToken)).ToList();
        var allocations = (await session.QueryAsync<AllocationRow>(Allocations, range, cancellationToken)).ToList();
        var used = (await session.QueryAsync<UsageRow>(TeamUsage, range, cancellationToken)).ToDictionary(u => (u.TeamId, u.HourUnix), u => u.GpuSeconds);
        var unmapped = (await session.QueryAsync<UsageRow>(UnmappedUsage, range, cancellationToken)).ToDictionary(u => u.HourUnix, u => u.GpuSeconds);
        var utilisation = (await session.QueryAsync<UtilisationRow>(Utilisation, range, cancellationToken))
            .ToDictionary(u => (u.TeamId, u.HourUnix), u => new HourReadings(u.Samples, u.LowSamples));
        await session.ExecuteAsync(DeleteFacts, range, cancellationToken);
        await session.ExecuteAsync(DeleteTeamFacts, range, cancellationToken);

        long written = 0;
        var hours = IdleHours.Compute(from, to,
            [.. leases.Select(l => new PricedLease(l.Gpus, l.StartUnix, l.EndUnix, l.KrwPerGpuHour))],
            [.. allocations.Select(a => new TeamAllocation(a.TeamId, a.Gpus, a.StartUnix, a.EndUnix))],
            used, unmapped, utilisation);
        foreach (var (hour, breakdown) in hours)
        {
            var perMille = weights.PerMilleAt(pool.GpuModel, Unix.Instant(hour)) ?? 0;
            await session.ExecuteAsync(InsertFact, new
            {
                PoolId = pool.Id,
                HourUnix = hour,
                breakdown.Leased,
                breakdown.Allocated,
                breakdown.Used,
                breakdown.Excess,
                breakdown.AllocatedUnused,
                breakdown.Unallocated,
                LowUtilisation = breakdown.LowUtilisationMicro,
                breakdown.LeasedKrwNumerator,
                breakdown.UsedKrwNumerator,
                breakdown.AllocatedUnusedKrwNumerator,
                breakdown.UnallocatedKrwNumerator,
                LowUtilisationKrwNumerator = breakdown.LowUtilisationKrwNumeratorMilli,
                LeasedMeg = breakdown.Leased * perMille,
                UsedMeg = breakdown.Used * perMille,
                AllocatedUnusedMeg = breakdown.AllocatedUnused * perMille,
                UnallocatedMeg = breakdown.Unallocated * perMille,
            }, cancellationToken);
            foreach (var team in breakdown.Teams)
            {
                await session.ExecuteAsync(InsertTeamFact, new
                {
                    PoolId = pool.Id,
                    team.TeamId,
                    HourUnix = hour,
                    team.Allocated,
                    team.Used,
                    team.AllocatedUnused,
                    LowUtilisation = team.LowUtilisationMicro,
                    team.UsedKrwNumerator,
                    team.AllocatedUnusedKrwNumerator,
                    LowUtilisationKrwNumerator = team.LowUtilisationKrwNumeratorMilli,
                    UsedMeg = team.Used * perMille,
                    AllocatedUnusedMeg = team.AllocatedUnused * perMille,
                    team.Excess,
                }, cancellationToken);
            }

            written++;
        }

        return written;
    }

    private sealed class PoolRow
    {
        public long Id { get; init; }
        public string GpuModel { get; init; } = string.Empty;
        public long? FirstLeaseUnix { get; init; }
    }

    private sealed class MarkRow
    {
        public long Id { get; init; }
        public long PoolId { get; init; }
        public long FromUnix { get; init; }
        public long ToUnix { get; init; }
    }

    private sealed class LeaseRow
    {
        public long Gpus { get; init; }
        public long StartUnix { get; init; }
        public long EndUnix { get; init; }
        public long KrwPerGpuHour { get; init; }
    }

    private sealed class AllocationRow
    {
        public long TeamId { get; init; }
        public long Gpus { get; init; }
        public long StartUnix { get; init; }
        public long EndUnix { get; init; }
    }

    private sealed class UsageRow
    {
        public long TeamId { get; init; }
        public long HourUnix { get; init; }
        public long GpuSeconds { get; init; }
    }

    private sealed class UtilisationRow
    {
        public long TeamId { get; init; }
        public long HourUnix { get; init; }
        public long Samples { get; init; }
        public long LowSamples { get; init; }
    }
}
