using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Core.Equality;
using NationalAiEval.Core.Units;
using NodaTime;

namespace NationalAiEval.Api.Stages;

/// <summary>
/// Proves equal entitlement and equal duration from what is stored: the grants summed from the ledger, and the
/// window length measured from the stored window instants in the stage's zone (not recomputed from the join date).
/// </summary>
public sealed class StageEquality(Db db)
{
    private static readonly Sql GrantsOfStage = Sql.Portable("""
        SELECT p.id, t.code AS team, p.kind, p.status, p.join_date, p.window_start_unix, p.window_end_unix,
               COALESCE(SUM(CASE WHEN l.resource = 'gpu' AND l.kind = 'grant' THEN l.amount ELSE 0 END), 0) AS granted_gpu,
               COALESCE(SUM(CASE WHEN l.resource = 'data' AND l.kind = 'grant' THEN l.amount ELSE 0 END), 0) AS granted_data
        FROM participation p
        JOIN team t ON t.id = p.team_id
        LEFT JOIN ledger_entry l ON l.participation_id = p.id
        WHERE p.stage_id = @StageId
        GROUP BY p.id, t.code, p.kind, p.status, p.join_date, p.window_start_unix, p.window_end_unix
        ORDER BY p.id
        """);

    private static readonly Sql Shortfalls = Sql.Portable("""
        SELECT id, committed_unix, shortfall_reason, shortfall_json FROM plan_preview
        WHERE stage_id = @StageId AND committed_unix IS NOT NULL AND shortfall_reason IS NOT NULL
        ORDER BY committed_unix, id
        """);

    public async Task<EqualityView> ProveAsync(string stageCode, CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        var stage = await session.QuerySingleOrDefaultAsync<StageRow>(StageRow.ByCode, new { Code = stageCode }, cancellationToken)
            ?? throw Problems.NotFound("stage", stageCode);
        var rows = (await session.QueryAsync<GrantRow>(GrantsOfStage, new { StageId = stage.Id }, cancellationToken)).ToList();
        var accepted = (await session.QueryAsync<ShortfallRow>(Shortfalls, new { StageId = stage.Id }, cancellationToken))
            .Select(r => new AcceptedShortfall(r.Id, Unix.Instant(r.CommittedUnix), r.ShortfallReason, StageShortfalls.Read(r.ShortfallJson))).ToList();
        var zone = stage.Zone;
        var participations = rows.Select(r =>
        {
            var start = Unix.Instant(r.WindowStartUnix);
            var end = Unix.Instant(r.WindowEndUnix);
            var days = Period.Between(start.InZone(zone).Date, end.InZone(zone).Date, PeriodUnits.Days).Days;
            return new ParticipationEquality(r.Team, r.Kind, r.Status, Dates.Parse(r.JoinDate), start, end, days,
                GpuTime.ToGpuHours(r.WindowEndUnix - r.WindowStartUnix), r.GrantedGpu, GpuTime.ToEquivalentGpuHours(r.GrantedGpu), r.GrantedData);
        }).ToList();
        var verdict = EqualityProof.Evaluate(stage.EntitlementMilliEghS, stage.DataGrantKrw, stage.Duration,
            participations.Select(p => new GrantedTerms(p.Team, p.GrantedMilliEghSeconds, p.GrantedDataKrw, checked((int)p.WindowDays))).ToList());
        return new EqualityView(stage.Code, GpuTime.ToEquivalentGpuHours(stage.EntitlementMilliEghS), stage.EntitlementMilliEghS, stage.DataGrantKrw,
            stage.DurationDays, verdict.AllEqual, verdict.EntitlementsEqual, verdict.DataGrantsEqual, verdict.DurationsEqual, verdict.Discrepancies,
            participations, accepted);
    }

    private sealed class ShortfallRow
    {
        public string Id { get; init; } = string.Empty;
        public long CommittedUnix { get; init; }
        public string ShortfallReason { get; init; } = string.Empty;
        public string? ShortfallJson { get; init; }
    }

    private sealed class GrantRow
    {
        public long Id { get; init; }
        public string Team { get; init; } = string.Empty;
        public string Kind { get; init; } = string.Empty;
        public string Status { get; init; } = string.Empty;
        public string JoinDate { get; init; } = string.Empty;
        public long WindowStartUnix { get; init; }
        public long WindowEndUnix { get; init; }
        public long GrantedGpu { get; init; }
        public long GrantedData { get; init; }
    }
}
