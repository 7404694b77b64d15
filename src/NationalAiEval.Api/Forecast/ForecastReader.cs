using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Planning;
using NationalAiEval.Api.Pools;
using NationalAiEval.Api.Quota;
using NationalAiEval.Core.Forecasting;
using NationalAiEval.Core.Pricing;
using NationalAiEval.Core.Quota;
using NationalAiEval.Core.Reports;
using NationalAiEval.Core.Units;
using NodaTime;

namespace NationalAiEval.Api.Forecast;

/// <summary>Builds the forecast from the leases, allocations and participations as they stand, and the quota projections.</summary>
public sealed class ForecastReader(Db db, IClock clock, QuotaReader quota, StagePlanner planner)
{
    public static readonly Duration MaxHorizon = Duration.FromDays(5 * 366);

    private static readonly string[] CauseNames = ["freed-by-elimination", "gap-before-late-join", "lease-outlives-windows", "unplanned"];

    private static readonly Sql Leases = Sql.Portable("SELECT id, pool_id, gpus, start_unix, end_unix, krw_per_gpu_hour, reference FROM lease_line ORDER BY id");

    private static readonly Sql Allocations = Sql.Portable("SELECT participation_id, pool_id, gpus, start_unix, end_unix FROM allocation");

    private static readonly Sql Participations = Sql.Portable("""
        SELECT p.id, p.window_start_unix, p.window_end_unix, p.eligible_unix, p.ended_unix, t.code AS team_code, s.code AS stage_code
        FROM participation p JOIN team t ON t.id = p.team_id JOIN stage s ON s.id = p.stage_id
        """);

    private static readonly Sql Excluded = Sql.Portable("SELECT participation_id, pool_id FROM participation_excluded_pool");

    private static readonly Sql Pools = Sql.Portable("SELECT id, code, provider, gpu_model FROM pool");

    /// <summary>The forecast a caller asked for: from <c>asOf</c> (default now) to <c>until</c>.</summary>
    public Task<ForecastView> ReadAsync(ForecastQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ComputeAsync(query.AsOf ?? Unix.Now(clock), query.Until, cancellationToken);
    }

    /// <summary>The forecast from <paramref name="from"/> to <paramref name="to"/> (default: the last lease's end).</summary>
    public async Task<ForecastView> ComputeAsync(Instant from, Instant? to, CancellationToken cancellationToken)
    {
        List<LeaseRow> leases;
        List<ForecastAllocation> allocations;
        List<ParticipationRow> participations;
        Dictionary<long, PoolRow> pools;
        ILookup<long, long> excluded;
        await using (var session = await db.ReadAsync(cancellationToken))
        {
            leases = (await session.QueryAsync<LeaseRow>(Leases, cancellationToken: cancellationToken)).ToList();
            allocations = (await session.QueryAsync<AllocationRow>(Allocations, cancellationToken: cancellationToken))
                .Select(a => new ForecastAllocation(a.ParticipationId, a.PoolId, a.Gpus, a.StartUnix, a.EndUnix)).ToList();
            participations = (await session.QueryAsync<ParticipationRow>(Participations, cancellationToken: cancellationToken)).ToList();
            pools = (await session.QueryAsync<PoolRow>(Pools, cancellationToken: cancellationToken)).ToDictionary(p => p.Id);
            excluded = (await session.QueryAsync<(long ParticipationId, long PoolId)>(Excluded, cancellationToken: cancellationToken))
                .ToLookup(e => e.ParticipationId, e => e.PoolId);
        }

        var fromUnix = Unix.Seconds(from);
        var untilUnix = to is { } t ? Unix.Seconds(t) : Math.Max(fromUnix, leases.Count == 0 ? fromUnix : leases.Max(l => l.EndUnix));
        if (untilUnix < fromUnix)
        {
            throw Problems.Validation("until", "must not be before asOf.");
        }

        if (untilUnix - fromUnix > (long)MaxHorizon.TotalSeconds)
        {
            throw Problems.Validation("until", $"looks at most {MaxHorizon.Days} days ahead.");
        }

        var segments = UnallocatedForecast.Compute(
            [.. leases.Select(l => new ForecastLease(l.PoolId, l.Gpus, l.StartUnix, l.EndUnix, l.KrwPerGpuHour))],
            allocations,
            [.. participations.Select(p => new ForecastParticipation(p.Id, p.WindowStartUnix, p.WindowEndUnix,
                Math.Max(p.WindowStartUnix, p.EligibleUnix ?? p.WindowStartUnix), p.EndedUnix, excluded[p.Id].ToHashSet()))],
            fromUnix, untilUnix);
        var won = Apportionment.Apportion([.. segments.Select(s => (Int128)s.KrwNumerator)], GpuTime.SecondsPerHour,
            LeasePricing.Krw(segments.Aggregate(Int128.Zero, (sum, s) => sum + s.KrwNumerator)));
        var views = segments.Select((s, i) => new UnallocatedSegmentView(pools[s.PoolId].Code, pools[s.PoolId].Provider, pools[s.PoolId].GpuModel,
            Unix.Instant(s.Start), Unix.Instant(s.End), s.Gpus, CauseNames[(int)s.Cause], GpuTime.ToGpuHours(s.GpuSeconds), won[i])).ToList();
        var seconds = segments.Select(s => s.GpuSeconds).ToList();

        List<UnallocatedTotalView> Totals(Func<int, string> key) => [.. Enumerable.Range(0, segments.Count).GroupBy(key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new UnallocatedTotalView(g.Key, GpuTime.ToGpuHours(g.Sum(i => seconds[i])), g.Sum(i => won[i])))];

        return new ForecastView(from, Unix.Instant(untilUnix), GpuTime.ToGpuHours(seconds.Sum()), won.Sum(),
            Totals(i => CauseNames[(int)segments[i].Cause]), Totals(i => pools[segments[i].PoolId].Code), views,
            Expiries(leases, pools, fromUnix), await RisksAsync(participations, cancellationToken), await ShortfallsAsync(participations, cancellationToken));
    }

    /// <summary>The lease expiries Core finds (<see cref="LeaseExpiries"/>), named for people.</summary>
    private static List<LeaseExpiryView> Expiries(List<LeaseRow> leases, Dictionary<long, PoolRow> pools, long from)
    {
        var byId = leases.ToDictionary(l => l.Id);
        return [.. LeaseExpiries.From([.. leases.Select(l => new LeaseLineSpan(l.Id, l.PoolId, l.Gpus, l.StartUnix, l.EndUnix))], from)
            .Select(e => new LeaseExpiryView(pools[e.Line.PoolId].Code, e.Line.Id, byId[e.Line.Id].Reference, Unix.Instant(e.Line.EndUnix), e.DaysLeft,
                e.Within, e.GpusBefore, e.GpusAfter))
            .OrderBy(e => e.End).ThenBy(e => e.Pool, StringComparer.Ordinal)];
    }

    /// <summary>Every running participation the quota projection judges at risk of leaving its entitlement unused, or of using it up early.</summary>
    private async Task<List<EntitlementRiskView>> RisksAsync(List<ParticipationRow> participations, CancellationToken cancellationToken)
    {
        var system = Caller.System("forecast");
        var risks = new List<EntitlementRiskView>();
        foreach (var team in participations.Select(p => p.TeamCode).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var view = await quota.ReadAsync(team, system, cancellationToken);
            risks.AddRange(view.Stages
                .Where(s => s.Status == Core.Allocations.ParticipationStatus.Active && s.WindowEnd > view.AsOf
                    && s.Forecast.Status is QuotaStatus.AtRiskOfUnused or QuotaStatus.WillExhaustEarly)
                .Select(s => new EntitlementRiskView(s.Stage, team, s.Forecast.Status, s.WindowEnd, s.EntitlementGpuHours, s.RemainingGpuHours,
                    s.AllocatedAheadGpuHours, s.Forecast.ProjectedUnusedGpuHours, s.Forecast.BurnRate7DaysGpuHoursPerDay, s.Forecast.ProjectedExhaustion)));
        }

        return risks;
    }

    /// <summary>Stages with a running window whose leases the planner finds short of everyone's entitlement.</summary>
    private async Task<List<LeaseShortfallView>> ShortfallsAsync(List<ParticipationRow> participations, CancellationToken cancellationToken)
    {
        var now = Unix.Seconds(clock.GetCurrentInstant());
        var shortfalls = new List<LeaseShortfallView>();
        foreach (var stage in participations.Where(p => p.EndedUnix is null && p.WindowEndUnix > now).Select(p => p.StageCode).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal))
        {
            var analysis = await planner.CapacityAsync(stage, cancellationToken);
            if (!analysis.Feasible)
            {
                shortfalls.Add(new LeaseShortfallView(stage, analysis.EntitlementGpuHours, analysis.MaxEqualShareGpuHours, analysis.ExtraLeaseKrw));
            }
        }

        return shortfalls;
    }

    private sealed class AllocationRow
    {
        public long ParticipationId { get; init; }
        public long PoolId { get; init; }
        public long Gpus { get; init; }
        public long StartUnix { get; init; }
        public long EndUnix { get; init; }
    }

    private sealed class ParticipationRow
    {
        public long Id { get; init; }
        public long WindowStartUnix { get; init; }
        public long WindowEndUnix { get; init; }
        public long? EligibleUnix { get; init; }
        public long? EndedUnix { get; init; }
        public string TeamCode { get; init; } = string.Empty;
        public string StageCode { get; init; } = string.Empty;
    }

    private sealed class PoolRow
    {
        public long Id { get; init; }
        public string Code { get; init; } = string.Empty;
        public string Provider { get; init; } = string.Empty;
        public string GpuModel { get; init; } = string.Empty;
    }
}
