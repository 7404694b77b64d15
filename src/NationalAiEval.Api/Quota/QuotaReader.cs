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
        var payers = participations.Select(p => new PayingParticipation(p.Id, p.WindowStartUnix, p.WindowEndUnix, p.EndedUnix)).ToList();
        foreach (var p in participations)
        {
            var used = await UsedAsync(session, team.Id, UsageAttribution.PayingSpans(payers, p.Id), now, cancellationToken);
            result.Add(Quota(p, stages[p.StageId], totals.GetValueOrDefault(p.Id) ?? new LedgerTotalsRow { ParticipationId = p.Id },
                allocations[p.Id].ToList(), used, weights, now));
        }

        var view = new QuotaView(team.Code, now, result);
        cache.Put(team.Code, team.Id, version, now, view);
        return view;
    }

    /// <summary>
    /// Facts of the hours the participation pays for (api-docs/DEFINITIONS.md#who-pays), per pool, with the pace windows
    /// apart: the same hours reconciliation charged, so the total per pool equals the ledger's used.
    /// </summary>
    private static async Task<List<PoolUsageRow>> UsedAsync(
        DbSession session, long teamId, IReadOnlyList<(long From, long To)> paying, Instant now, CancellationToken cancellationToken)
    {
        var rows = new List<PoolUsageRow>();
        foreach (var (from, to) in paying)
        {
            rows.AddRange(await session.QueryAsync<PoolUsageRow>(UsageSql.UsedByPool, new
            {
                TeamId = teamId,
                FromUnix = from,
                ToUnix = to,
                Since7Unix = Unix.Seconds(QuotaProjection.PaceSince(now, QuotaProjection.PaceShort)),
                Since30Unix = Unix.Seconds(QuotaProjection.PaceSince(now, QuotaProjection.PaceLong)),
            }, cancellationToken));
        }

        return [.. rows.GroupBy(r => (r.Pool, r.GpuModel))
            .Select(g => new PoolUsageRow
            {
                Pool = g.Key.Pool,
                GpuModel = g.Key.GpuModel,
                RawGpuSeconds = g.Sum(r => r.RawGpuSeconds),
                MilliEghSeconds = g.Sum(r => r.MilliEghSeconds),
                Last7MilliEghSeconds = g.Sum(r => r.Last7MilliEghSeconds),
                Last30MilliEghSeconds = g.Sum(r => r.Last30MilliEghSeconds),
            })
            .OrderBy(u => u.Pool, StringComparer.Ordinal)];
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
        // Once an end has taken effect the balance and the data grant are zero: the forfeits that make the ledger say so
        // are posted by the next reconciliation run (EndForfeits), minutes later; the quota does not wait for them.
        var remaining = active ? projection.RemainingMilliEghSeconds : 0;
        return new StageQuota(
            stage.Code, stage.Name, Enum.Parse<ParticipationKind>(p.Kind, ignoreCase: true), p.ParsedStatus,
            p.EndedUnix is { } ended ? Unix.Instant(ended) : null, window.Start, window.End, stage.DurationDays, Dates.ParseOptional(p.EligibleDate),
            GpuTime.ToEquivalentGpuHours(stage.EntitlementMilliEghS),
            new AmountByPool(GpuTime.ToEquivalentGpuHours(ledger.UsedGpu), ledger.UsedGpu,
                used.Select(u => new PoolAmount(u.Pool, u.GpuModel, GpuTime.ToGpuHours(u.RawGpuSeconds), GpuTime.ToEquivalentGpuHours(u.MilliEghSeconds))).ToList()),
            GpuTime.ToEquivalentGpuHours(remaining),
            GpuTime.ToEquivalentGpuHours(projection.ExceededMilliEghSeconds),
            new AmountByPool(GpuTime.ToEquivalentGpuHours(allocated), allocated,
                allocatedByPool.Select(x => new PoolAmount(x.PoolCode, x.GpuModel, GpuTime.ToGpuHours(x.Raw), GpuTime.ToEquivalentGpuHours(x.Equivalent))).ToList()),
            GpuTime.ToEquivalentGpuHours(ahead),
            GpuTime.ToEquivalentGpuHours(active ? stage.EntitlementMilliEghS - allocated : 0),
            GpuTime.ToEquivalentGpuHours(active ? ledger.BalanceGpu : 0),
            new QuotaForecast(projection.BurnRate7DaysGpuHoursPerDay, projection.BurnRate30DaysGpuHoursPerDay, projection.ProjectedExhaustion,
                GpuTime.ToEquivalentGpuHours(projection.ProjectedUnusedMilliEghSeconds), projection.Status),
            new DataGrantSummary(ledger.GrantedData, ledger.DrawnData, active ? ledger.BalanceData : 0));
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
