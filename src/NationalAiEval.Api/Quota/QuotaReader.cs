using NationalAiEval.Api.Allocations;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Ledger;
using NationalAiEval.Api.Participations;
using NationalAiEval.Api.Stages;
using NationalAiEval.Api.Teams;
using NationalAiEval.Api.Weights;
using NationalAiEval.Core.Allocations;
using NationalAiEval.Core.Units;
using NodaTime;

namespace NationalAiEval.Api.Quota;

/// <summary>
/// A team's quota per stage: entitlement, what is allocated (raw per pool and equivalent), what is still to allocate,
/// and the data grant. Usage arrives with the usage ingestion; until then the GPU balance is grants minus forfeits.
/// </summary>
public sealed class QuotaReader(Db db, IClock clock)
{
    private static readonly Sql StagesByIds = Sql.Portable("""
        SELECT s.id, s.code, s.name, s.start_date, s.duration_days, s.entitlement_milli_egh_s, s.data_grant_krw, s.time_zone, s.version, s.created_unix
        FROM stage s WHERE s.id IN (SELECT stage_id FROM participation WHERE team_id = @TeamId)
        """);

    private static readonly Sql AllocationsOfTeam = Sql.Portable(
        AllocationRow.Select + " WHERE pa.team_id = @TeamId ORDER BY a.start_unix, a.id");

    public async Task<QuotaView> ReadAsync(string teamCode, Caller caller, CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        var team = await TeamStore.FindVisibleAsync(session, teamCode, caller, cancellationToken);
        var participations = (await session.QueryAsync<ParticipationRow>(ParticipationRow.ByTeam, new { TeamId = team.Id }, cancellationToken)).ToList();
        var stages = (await session.QueryAsync<StageRow>(StagesByIds, new { TeamId = team.Id }, cancellationToken)).ToDictionary(s => s.Id);
        var totals = (await session.QueryAsync<LedgerTotalsRow>(LedgerSql.TotalsByParticipation, new { StageId = (long?)null, TeamId = (long?)team.Id }, cancellationToken))
            .ToDictionary(t => t.ParticipationId);
        var allocations = (await session.QueryAsync<AllocationRow>(AllocationsOfTeam, new { TeamId = team.Id }, cancellationToken)).ToLookup(a => a.ParticipationId);
        var weights = await WeightStore.LoadScheduleAsync(session, cancellationToken);

        var result = participations.Select(p =>
        {
            var stage = stages[p.StageId];
            var ledger = totals.GetValueOrDefault(p.Id) ?? new LedgerTotalsRow { ParticipationId = p.Id };
            var byPool = allocations[p.Id]
                .GroupBy(a => (a.PoolCode, a.GpuModel))
                .Select(g => (g.Key.PoolCode, g.Key.GpuModel, Raw: g.Sum(a => a.RawGpuSeconds), Equivalent: g.Sum(a => a.EquivalentMilliEghSeconds(weights))))
                .OrderBy(x => x.PoolCode, StringComparer.Ordinal)
                .ToList();
            var allocated = byPool.Sum(x => x.Equivalent);
            var stillToAllocate = p.ParsedStatus == ParticipationStatus.Active ? stage.EntitlementMilliEghS - allocated : 0;
            return new StageQuota(
                stage.Code, stage.Name, Enum.Parse<ParticipationKind>(p.Kind, ignoreCase: true), p.ParsedStatus,
                p.EndedUnix is { } ended ? Unix.Instant(ended) : null, Unix.Instant(p.WindowStartUnix), Unix.Instant(p.WindowEndUnix),
                stage.DurationDays, Dates.ParseOptional(p.EligibleDate),
                GpuTime.ToEquivalentGpuHours(stage.EntitlementMilliEghS), GpuTime.ToEquivalentGpuHours(ledger.GrantedGpu),
                GpuTime.ToEquivalentGpuHours(ledger.BalanceGpu),
                new AllocatedSummary(GpuTime.ToEquivalentGpuHours(allocated), allocated,
                    byPool.Select(x => new PoolAllocation(x.PoolCode, x.GpuModel, GpuTime.ToGpuHours(x.Raw), GpuTime.ToEquivalentGpuHours(x.Equivalent))).ToList()),
                GpuTime.ToEquivalentGpuHours(stillToAllocate),
                new DataGrantSummary(ledger.GrantedData, ledger.BalanceData));
        }).ToList();
        return new QuotaView(team.Code, clock.GetCurrentInstant(), result);
    }
}
