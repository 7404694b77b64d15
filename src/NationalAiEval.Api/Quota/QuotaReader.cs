using NationalAiEval.Api.Allocations;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Ledger;
using NationalAiEval.Api.Participations;
using NationalAiEval.Api.Stages;
using NationalAiEval.Api.Teams;
using NationalAiEval.Api.Usage;
using NationalAiEval.Api.Weights;
using NationalAiEval.Core.Allocations;
using NationalAiEval.Core.Quota;
using NationalAiEval.Core.Units;
using NationalAiEval.Core.Usage;
using NationalAiEval.Core.Weights;
using NodaTime;

namespace NationalAiEval.Api.Quota;

/// <summary>
/// A team's quota per stage. Used is what reconciliation charged: the ledger's usage entries, and per pool the facts of
/// the hours charged to the participation (from its window's start to its end, or its elimination's hour).
/// </summary>
public sealed class QuotaReader(Db db, IClock clock, QuotaCache cache)
{
    private static readonly Sql StagesOfTeam = Sql.Portable("""
        SELECT s.id, s.code, s.name, s.start_date, s.duration_days, s.entitlement_milli_egh_s, s.data_grant_krw, s.time_zone, s.version, s.created_unix
        FROM stage s WHERE s.id IN (SELECT stage_id FROM participation WHERE team_id = @TeamId)
        """);

    private static readonly Sql AllocationsOfTeam = Sql.Portable(AllocationRow.Select + " WHERE pa.team_id = @TeamId ORDER BY a.start_unix, a.id");

    /// <summary>
    /// The answer as JSON: polled constantly, so a reused answer is also serialized once (the bytes are kept with it).
    /// </summary>
    public async Task<byte[]> ReadJsonAsync(string teamCode, Caller caller, System.Text.Json.JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (cache.TryGetJson(teamCode, Unix.Now(clock), out var cachedTeamId, out var json) && caller.MaySeeTeam(cachedTeamId))
        {
            return json;
        }

        var view = await ReadAsync(teamCode, caller, cancellationToken);
        var bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(view, options);
        cache.AttachJson(view, bytes);
        return bytes;
    }

    public async Task<QuotaView> ReadAsync(string teamCode, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var now = Unix.Now(clock);
        if (cache.TryGet(teamCode, now, out var cachedTeamId, out var cached) && caller.MaySeeTeam(cachedTeamId))
        {
            return cached;
        }

        var version = cache.CurrentVersion;
        await using var session = await db.ReadAsync(cancellationToken);
        var team = await TeamStore.FindVisibleAsync(session, teamCode, caller, cancellationToken);
        var participations = (await session.QueryAsync<ParticipationRow>(ParticipationRow.ByTeam, new { TeamId = team.Id }, cancellationToken)).ToList();
        var stages = (await session.QueryAsync<StageRow>(StagesOfTeam, new { TeamId = team.Id }, cancellationToken)).ToDictionary(s => s.Id);
        var totals = (await session.QueryAsync<LedgerTotalsRow>(LedgerSql.TotalsByParticipation, new { StageId = (long?)null, TeamId = (long?)team.Id }, cancellationToken))
            .ToDictionary(t => t.ParticipationId);
        var allocations = (await session.QueryAsync<AllocationRow>(AllocationsOfTeam, new { TeamId = team.Id }, cancellationToken)).ToLookup(a => a.ParticipationId);
        var weights = await WeightStore.LoadScheduleAsync(session, cancellationToken);

        var result = new List<StageQuota>(participations.Count);
        foreach (var p in participations)
        {
            var used = await UsedAsync(session, team.Id, p, now, cancellationToken);
            result.Add(Quota(p, stages[p.StageId], totals.GetValueOrDefault(p.Id) ?? new LedgerTotalsRow { ParticipationId = p.Id },
                allocations[p.Id].ToList(), used, weights, now));
        }

        var view = new QuotaView(team.Code, now, result);
        cache.Put(team.Code, team.Id, version, now, view);
        return view;
    }

    /// <summary>Facts of the hours charged to the participation, per pool, with the last 7 and 30 days apart for the pace.</summary>
    private static async Task<List<PoolUsageRow>> UsedAsync(DbSession session, long teamId, ParticipationRow p, Instant now, CancellationToken cancellationToken)
    {
        var chargedUntil = p.EndedUnix is { } ended ? Math.Min(p.WindowEndUnix, HourlyBuckets.HourOf(ended)) : p.WindowEndUnix;
        var nowUnix = Unix.Seconds(now);
        return (await session.QueryAsync<PoolUsageRow>(UsageSql.UsedByPool, new
        {
            TeamId = teamId,
            FromUnix = p.WindowStartUnix,
            ToUnix = chargedUntil,
            Since7Unix = nowUnix - (7 * 86_400),
            Since30Unix = nowUnix - (30 * 86_400),
        }, cancellationToken)).OrderBy(u => u.Pool, StringComparer.Ordinal).ToList();
    }

    private static StageQuota Quota(
        ParticipationRow p, StageRow stage, LedgerTotalsRow ledger, List<AllocationRow> allocations, List<PoolUsageRow> used, WeightSchedule weights, Instant now)
    {
        var active = p.RunsAt(Unix.Seconds(now));
        var window = Unix.Interval(p.WindowStartUnix, p.WindowEndUnix);
        var allocatedByPool = allocations
            .GroupBy(a => (a.PoolCode, a.GpuModel))
            .Select(g => (g.Key.PoolCode, g.Key.GpuModel, Raw: g.Sum(a => a.RawGpuSeconds), Equivalent: g.Sum(a => a.EquivalentMilliEghSeconds(weights))))
            .OrderBy(x => x.PoolCode, StringComparer.Ordinal)
            .ToList();
        var allocated = allocatedByPool.Sum(x => x.Equivalent);
        var ahead = allocations.Sum(a => AheadMilliEghSeconds(a, weights, now));
        var paceStart = p.EligibleUnix is { } eligible && eligible > p.WindowStartUnix ? Unix.Instant(eligible) : window.Start;
        var projection = QuotaProjection.Project(new QuotaProjectionInput(
            stage.EntitlementMilliEghS, ledger.UsedGpu, window, paceStart, now, !active,
            used.Sum(u => u.Last7MilliEghSeconds), used.Sum(u => u.Last30MilliEghSeconds), ahead));
        var remaining = active ? projection.RemainingMilliEghSeconds : 0;
        return new StageQuota(
            stage.Code, stage.Name, Enum.Parse<ParticipationKind>(p.Kind, ignoreCase: true), p.ParsedStatus,
            p.EndedUnix is { } ended ? Unix.Instant(ended) : null, window.Start, window.End, stage.DurationDays, Dates.ParseOptional(p.EligibleDate),
            GpuTime.ToEquivalentGpuHours(stage.EntitlementMilliEghS),
            new AmountByPool(GpuTime.ToEquivalentGpuHours(ledger.UsedGpu), ledger.UsedGpu,
                used.Select(u => new PoolAmount(u.Pool, u.GpuModel, GpuTime.ToGpuHours(u.RawGpuSeconds), GpuTime.ToEquivalentGpuHours(u.MilliEghSeconds))).ToList()),
            GpuTime.ToEquivalentGpuHours(remaining),
            new AmountByPool(GpuTime.ToEquivalentGpuHours(allocated), allocated,
                allocatedByPool.Select(x => new PoolAmount(x.PoolCode, x.GpuModel, GpuTime.ToGpuHours(x.Raw), GpuTime.ToEquivalentGpuHours(x.Equivalent))).ToList()),
            GpuTime.ToEquivalentGpuHours(ahead),
            GpuTime.ToEquivalentGpuHours(active ? stage.EntitlementMilliEghS - allocated : 0),
            GpuTime.ToEquivalentGpuHours(ledger.BalanceGpu),
            new QuotaForecast(projection.BurnRate7DaysGpuHoursPerDay, projection.BurnRate30DaysGpuHoursPerDay, projection.ProjectedExhaustion,
                GpuTime.ToEquivalentGpuHours(projection.ProjectedUnusedMilliEghSeconds), projection.Status),
            new DataGrantSummary(ledger.GrantedData, ledger.DrawnData, ledger.BalanceData));
    }

    /// <summary>The part of an allocation from now on, in milli-EGH-seconds.</summary>
    private static long AheadMilliEghSeconds(AllocationRow allocation, WeightSchedule weights, Instant now)
    {
        var start = Unix.Instant(allocation.StartUnix);
        var end = Unix.Instant(allocation.EndUnix);
        var from = start > now ? start : now;
        return end > from ? weights.EquivalentMilliEghSeconds(allocation.GpuModel, allocation.Gpus, new Interval(from, end)) : 0;
    }
}
