using System.Globalization;
using NationalAiEval.Api.Flags;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Core.Pricing;
using NationalAiEval.Core.Units;
using NationalAiEval.Core.Usage;
using NodaTime;
using NodaTime.Text;

namespace NationalAiEval.Api.Idle;

/// <summary>
/// Flags idle capacity while it is happening, over a rolling window ending at the last complete hour: a pool whose
/// idle share passes the threshold, a team leaving more than the threshold of its allocation on a pool unused. One
/// live flag per pool (or team and pool), kept up to date with GPU-hours and KRW, and resolved when the condition
/// clears. Usage reported beyond what a pool leased is flagged per pool and UTC day whenever it happened, however late
/// it arrives, until a corrected report or lease removes it.
/// </summary>
public sealed class IdleFlags(Db db, IClock clock, IdleSettings settings, FlagWriter writer)
{
    private const string Job = "detect-idle";

    private static readonly Sql PoolWindow = Sql.Portable("""
        SELECT p.id AS pool_id, p.code AS pool, COALESCE(SUM(f.leased_gs), 0) AS leased_gs,
               COALESCE(SUM(f.allocated_unused_gs + f.unallocated_gs), 0) AS idle_gs,
               COALESCE(SUM(f.allocated_unused_num + f.unallocated_num), 0) AS idle_num
        FROM pool p LEFT JOIN idle_fact f ON f.pool_id = p.id AND f.hour_unix >= @FromUnix AND f.hour_unix < @ToUnix
        GROUP BY p.id, p.code
        """);

    private static readonly Sql TeamWindow = Sql.Portable("""
        SELECT f.pool_id, p.code AS pool, f.team_id, t.code AS team, SUM(f.allocated_gs) AS allocated_gs,
               SUM(f.allocated_unused_gs) AS unused_gs, SUM(f.allocated_unused_num) AS unused_num
        FROM idle_team_fact f JOIN pool p ON p.id = f.pool_id JOIN team t ON t.id = f.team_id
        WHERE f.hour_unix >= @FromUnix AND f.hour_unix < @ToUnix
        GROUP BY f.pool_id, p.code, f.team_id, t.code
        """);

    private static readonly Sql ExcessDays = Sql.Portable("""
        SELECT f.pool_id, p.code AS pool, f.day_unix, f.excess_gs FROM idle_day_fact f JOIN pool p ON p.id = f.pool_id
        WHERE f.excess_gs > 0 ORDER BY f.pool_id, f.day_unix
        """);

    public async Task<FlagChanges> EvaluateAsync(CancellationToken cancellationToken)
    {
        var to = HourlyBuckets.HourOf(Unix.Seconds(clock.GetCurrentInstant()));
        var from = to - (settings.WindowHours * HourlyBuckets.HourSeconds);
        var window = new { FromUnix = from, ToUnix = to };
        await using var session = await db.WriteAsync(cancellationToken);
        var pools = (await session.QueryAsync<PoolRow>(PoolWindow, window, cancellationToken)).ToList();
        var teams = (await session.QueryAsync<TeamRow>(TeamWindow, window, cancellationToken)).ToList();
        var hours = settings.WindowHours.ToString(CultureInfo.InvariantCulture);

        var idle = pools.Select(p =>
        {
            var flagged = p.LeasedGs > 0 && p.IdleGs * 100 > p.LeasedGs * settings.ThresholdPercent;
            return new FlagCondition(FlagKinds.IdleCapacity, $"{FlagKinds.IdleCapacity}|pool:{p.PoolId}", null, p.PoolId, null, null, from, to,
                flagged ? p.IdleGs : 0, FlagWriter.GpuSecondsUnit, LeasePricing.Krw(p.IdleNum),
                $"Pool '{p.Pool}' left {Hours(p.IdleGs)} of {Hours(p.LeasedGs)} leased GPU-hours idle ({Percent(p.IdleGs, p.LeasedGs)}) in the last {hours} hours, worth {LeasePricing.Krw(p.IdleNum).ToString("N0", CultureInfo.InvariantCulture)} KRW.");
        }).ToList();
        var unused = teams.Select(t =>
        {
            var flagged = t.AllocatedGs > 0 && t.UnusedGs * 100 > t.AllocatedGs * settings.ThresholdPercent;
            return new FlagCondition(FlagKinds.AllocatedUnused, $"{FlagKinds.AllocatedUnused}|team:{t.TeamId}|pool:{t.PoolId}", t.TeamId, t.PoolId, null, null,
                from, to, flagged ? t.UnusedGs : 0, FlagWriter.GpuSecondsUnit, LeasePricing.Krw(t.UnusedNum),
                $"Team '{t.Team}' left {Hours(t.UnusedGs)} of its {Hours(t.AllocatedGs)} allocated GPU-hours on pool '{t.Pool}' unused ({Percent(t.UnusedGs, t.AllocatedGs)}) in the last {hours} hours, worth {LeasePricing.Krw(t.UnusedNum).ToString("N0", CultureInfo.InvariantCulture)} KRW.");
        }).ToList();
        var excess = (await session.QueryAsync<ExcessRow>(ExcessDays, cancellationToken: cancellationToken)).Select(d =>
        {
            var date = LocalDatePattern.Iso.Format(Instant.FromUnixTimeSeconds(d.DayUnix).InUtc().Date);
            return new FlagCondition(FlagKinds.UsageExceedsCapacity, $"{FlagKinds.UsageExceedsCapacity}|pool:{d.PoolId}|day:{date}", null, d.PoolId, null, null,
                d.DayUnix, d.DayUnix + 86_400, d.ExcessGs, FlagWriter.GpuSecondsUnit, null,
                $"Pool '{d.Pool}' reported {Hours(d.ExcessGs)} GPU-hours more usage than it leased on {date} (UTC): a usage report or a lease is wrong.");
        }).ToList();

        var changes = await writer.ReplaceKindAsync(session, FlagKinds.IdleCapacity, idle, Job, cancellationToken);
        changes = changes.Add(await writer.ReplaceKindAsync(session, FlagKinds.AllocatedUnused, unused, Job, cancellationToken));
        changes = changes.Add(await writer.ReplaceKindAsync(session, FlagKinds.UsageExceedsCapacity, excess, Job, cancellationToken));
        await session.CommitAsync(cancellationToken);
        return changes;
    }

    private static string Hours(long gpuSeconds) => GpuTime.ToGpuHours(gpuSeconds).ToString("0.##", CultureInfo.InvariantCulture);

    private static string Percent(long part, long whole) => (whole == 0 ? 0m : 100m * part / whole).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private sealed class PoolRow
    {
        public long PoolId { get; init; }
        public string Pool { get; init; } = string.Empty;
        public long LeasedGs { get; init; }
        public long IdleGs { get; init; }
        public long IdleNum { get; init; }
    }

    private sealed class ExcessRow
    {
        public long PoolId { get; init; }
        public string Pool { get; init; } = string.Empty;
        public long DayUnix { get; init; }
        public long ExcessGs { get; init; }
    }

    private sealed class TeamRow
    {
        public long PoolId { get; init; }
        public string Pool { get; init; } = string.Empty;
        public long TeamId { get; init; }
        public string Team { get; init; } = string.Empty;
        public long AllocatedGs { get; init; }
        public long UnusedGs { get; init; }
        public long UnusedNum { get; init; }
    }
}
