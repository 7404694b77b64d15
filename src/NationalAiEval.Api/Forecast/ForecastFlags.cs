using System.Globalization;
using NationalAiEval.Api.Flags;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NodaTime;

namespace NationalAiEval.Api.Forecast;

/// <summary>
/// Turns the forecast into flags a manager acts on: a pool with capacity nobody will use in the next 30 days, a lease
/// line ending within 30, 14 or 7 days (a new flag at each warning), a participation whose entitlement is at risk of
/// going unused, and a stage short of leases. Each resolves itself when its condition clears.
/// </summary>
public sealed class ForecastFlags(Db db, IClock clock, ForecastReader forecast, FlagWriter writer)
{
    public static readonly Duration Lookahead = Duration.FromDays(30);

    private static readonly Sql PoolIds = Sql.Portable("SELECT id, code FROM pool");

    private static readonly Sql ParticipationIds = Sql.Portable("""
        SELECT p.id, s.code AS stage_code, t.code AS team_code, t.id AS team_id FROM participation p JOIN stage s ON s.id = p.stage_id JOIN team t ON t.id = p.team_id
        """);

    public async Task<FlagChanges> EvaluateAsync(string job, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var view = await forecast.ComputeAsync(now, now + Lookahead, cancellationToken);
        var (from, to) = (Unix.Seconds(now), Unix.Seconds(now + Lookahead));

        await using var session = await db.WriteAsync(cancellationToken);
        var pools = (await session.QueryAsync<(long Id, string Code)>(PoolIds, cancellationToken: cancellationToken)).ToDictionary(p => p.Code, p => p.Id, StringComparer.Ordinal);
        var participations = (await session.QueryAsync<(long Id, string StageCode, string TeamCode, long TeamId)>(ParticipationIds, cancellationToken: cancellationToken))
            .ToDictionary(p => (p.StageCode, p.TeamCode));

        var unallocated = view.ByPool.Select(p =>
        {
            var causes = view.Unallocated.Where(s => s.Pool == p.Name).GroupBy(s => s.Cause, StringComparer.Ordinal)
                .Select(g => $"{g.Key} {Hours(g.Sum(s => s.GpuHours))}");
            var seconds = view.Unallocated.Where(s => s.Pool == p.Name).Sum(s => s.Gpus * (long)(s.To - s.From).TotalSeconds);
            return new FlagCondition(FlagKinds.ForecastUnallocated, $"{FlagKinds.ForecastUnallocated}|pool:{pools[p.Name]}", null, pools[p.Name], null, null, from, to,
                seconds, FlagWriter.GpuSecondsUnit, p.Krw,
                $"Pool '{p.Name}' has {Hours(p.GpuHours)} leased GPU-hours in the next 30 days that no allocation uses ({string.Join(", ", causes)}), worth {Won(p.Krw)} KRW: plan them.");
        }).ToList();

        var expiries = view.LeaseExpiries.Select(e => new FlagCondition(FlagKinds.LeaseExpiry,
            $"{FlagKinds.LeaseExpiry}|lease:{e.LeaseId}|within:{e.Within}", null, pools[e.Pool], null, null, from, Unix.Seconds(e.End),
            e.GpusBefore - e.GpusAfter, FlagWriter.GpusUnit, null,
            $"Lease line {e.LeaseId}{(e.Reference is null ? string.Empty : $" ({e.Reference})")} of pool '{e.Pool}' ends at {e.End}, in {e.DaysLeft} day(s): the pool goes from {e.GpusBefore} to {e.GpusAfter} GPUs.")).ToList();

        var risks = view.EntitlementsAtRisk.Select(r =>
        {
            var p = participations[(r.Stage, r.Team)];
            return new FlagCondition(FlagKinds.EntitlementAtRisk, $"{FlagKinds.EntitlementAtRisk}|participation:{p.Id}", p.TeamId, null, p.Id, null, from,
                Unix.Seconds(r.WindowEnd), RiskMilliEghSeconds(r, now), FlagWriter.MilliEghSecondsUnit, null, RiskDetail(r, now));
        }).ToList();

        var shortfalls = view.LeaseShortfalls.Select(s => new FlagCondition(FlagKinds.LeaseShortfall, $"{FlagKinds.LeaseShortfall}|stage:{s.Stage}", null, null, null, null,
            from, to, (long)((s.EntitlementGpuHours - s.MaxEqualShareGpuHours) * Core.Units.GpuTime.MilliEghSecondsPerEgh), FlagWriter.MilliEghSecondsUnit, s.ExtraLeaseKrw,
            $"Stage '{s.Stage}' can give each team at most {Hours(s.MaxEqualShareGpuHours)} of the {Hours(s.EntitlementGpuHours)} equivalent GPU-hours promised; leases worth {Won(s.ExtraLeaseKrw)} KRW would close the gap (see the stage's plan capacity).")).ToList();

        var changes = await writer.ReplaceKindAsync(session, FlagKinds.ForecastUnallocated, unallocated, job, cancellationToken);
        changes = changes.Add(await writer.ReplaceKindAsync(session, FlagKinds.LeaseExpiry, expiries, job, cancellationToken));
        changes = changes.Add(await writer.ReplaceKindAsync(session, FlagKinds.EntitlementAtRisk, risks, job, cancellationToken));
        changes = changes.Add(await writer.ReplaceKindAsync(session, FlagKinds.LeaseShortfall, shortfalls, job, cancellationToken));
        await session.CommitAsync(cancellationToken);
        return changes;
    }

    /// <summary>
    /// How large the risk is, in milli-EGH-seconds: what the pace would leave unused, or, for a team that will run out
    /// early, what the same pace would still need from its exhaustion to its window's end.
    /// </summary>
    private static long RiskMilliEghSeconds(EntitlementRiskView risk, Instant now) =>
        (long)decimal.Round(Core.Units.GpuTime.MilliEghSecondsPerEgh * (risk.Status == Core.Quota.QuotaStatus.WillExhaustEarly
            ? risk.BurnRate7DaysGpuHoursPerDay * (decimal)(risk.WindowEnd - (risk.ProjectedExhaustion ?? now)).TotalDays
            : risk.ProjectedUnusedGpuHours));

    /// <summary>Which risk it is, in words: the flag's kind is the same for both, so that one flag follows a team whose pace changes.</summary>
    private static string RiskDetail(EntitlementRiskView r, Instant now) => r.Status == Core.Quota.QuotaStatus.WillExhaustEarly
        ? $"Team '{r.Team}' in stage '{r.Stage}' will run out early: at its pace of the last 7 days ({Hours(r.BurnRate7DaysGpuHoursPerDay)} a day) it uses its remaining {Hours(r.RemainingGpuHours)} equivalent GPU-hours by {r.ProjectedExhaustion ?? now}, before its window ends at {r.WindowEnd}."
        : $"Team '{r.Team}' in stage '{r.Stage}' would leave {Hours(r.ProjectedUnusedGpuHours)} of its {Hours(r.EntitlementGpuHours)} equivalent GPU-hours unused by {r.WindowEnd} at its pace of the last 7 days ({Hours(r.BurnRate7DaysGpuHoursPerDay)} a day).";

    private static string Hours(decimal hours) => hours.ToString("#,0.##", CultureInfo.InvariantCulture);

    private static string Won(long krw) => krw.ToString("N0", CultureInfo.InvariantCulture);
}
