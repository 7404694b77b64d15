using System.Globalization;
using NationalAiEval.Api.Flags;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Ledger;
using NationalAiEval.Core.Units;
using NationalAiEval.Core.Usage;
using NodaTime;
using NodaTime.Text;

namespace NationalAiEval.Api.Reconciliation;

/// <summary>
/// The flags reconciliation raises (api-docs/DEFINITIONS.md#flags): re-evaluated, after each batch, for every team, pool and UTC day
/// whose facts the batch changed, every unmapped account it touched, and every participation it charged.
/// Hourly facts judge hourly: "overuse" is more GPU-seconds in an hour than the team's allocations held in it.
/// </summary>
public sealed class UsageFlags(FlagWriter writer)
{
    private const string Job = "reconcile-usage";
    private const long Day = 86_400;

    private static readonly Sql TeamDayFacts = Sql.Portable("""
        SELECT hour_unix, gpu_seconds FROM usage_fact
        WHERE pool_id = @PoolId AND team_id = @TeamId AND hour_unix >= @FromUnix AND hour_unix < @ToUnix AND gpu_seconds <> 0
        """);

    private static readonly Sql TeamDayAllocations = Sql.Portable("""
        SELECT a.gpus, a.start_unix, a.end_unix FROM allocation a JOIN participation p ON p.id = a.participation_id
        WHERE p.team_id = @TeamId AND a.pool_id = @PoolId AND a.start_unix < @ToUnix AND a.end_unix > @FromUnix
        """);

    private static readonly Sql UnmappedTotal = Sql.Portable("""
        SELECT COALESCE(SUM(gpu_seconds), 0) AS total, MIN(hour_unix) AS first_hour, MAX(hour_unix) AS last_hour
        FROM unmapped_usage_fact WHERE pool_id = @PoolId AND account = @Account AND gpu_seconds <> 0
        """);

    private static readonly Sql ParticipationForFlag = Sql.Portable(
        "SELECT p.id, p.team_id, p.window_start_unix, p.window_end_unix, p.status, s.code AS stage FROM participation p JOIN stage s ON s.id = p.stage_id WHERE p.id = @Id");

    public async Task<FlagChanges> EvaluateAsync(
        DbSession session, IEnumerable<FactKey> changed, IEnumerable<long> chargedParticipations, ReconciliationData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changed);
        ArgumentNullException.ThrowIfNull(data);
        var changes = default(FlagChanges);
        var keys = changed.ToList();
        foreach (var (pool, account) in keys.Where(k => k.TeamId is null).Select(k => (k.PoolId, k.Account!)).Distinct())
        {
            changes = changes.Add(await writer.ApplyAsync(session, await UnmappedAsync(session, pool, account, data, cancellationToken), Job, cancellationToken));
        }

        var teamDays = keys.Where(k => k.TeamId is not null).Select(k => (Team: k.TeamId!.Value, k.PoolId, Day: k.HourUnix - (k.HourUnix % Day))).Distinct();
        foreach (var teamOnPool in teamDays.GroupBy(d => (d.Team, d.PoolId)))
        {
            var (team, pool) = teamOnPool.Key;
            var days = teamOnPool.Select(d => d.Day).Order().ToList();
            var span = new { TeamId = team, PoolId = pool, FromUnix = days[0], ToUnix = days[^1] + Day };
            var facts = (await session.QueryAsync<HourRow>(TeamDayFacts, span, cancellationToken)).ToLookup(f => f.HourUnix - (f.HourUnix % Day));
            var allocations = (await session.QueryAsync<AllocationRow>(TeamDayAllocations, span, cancellationToken)).ToList();
            var live = await FlagWriter.LiveOfTeamOnPoolAsync(session, team, pool, span.FromUnix, span.ToUnix, cancellationToken);
            foreach (var day in days)
            {
                var date = LocalDatePattern.Iso.Format(Instant.FromUnixTimeSeconds(day).InUtc().Date);
                foreach (var (kind, amount, what) in TeamDay(team, pool, facts[day], allocations, data))
                {
                    var causeKey = $"{kind}|team:{team}|pool:{pool}|day:{date}";
                    var liveFlag = live.GetValueOrDefault(causeKey);
                    if (amount == 0 && liveFlag is null)
                    {
                        continue; // nothing to open and nothing to resolve: the common case
                    }

                    var condition = new FlagCondition(kind, causeKey, team, pool, null, null, day, day + Day, amount, FlagWriter.GpuSecondsUnit, null,
                        $"Team '{data.TeamCodes[team]}' used {Hours(amount)} GPU-hours on pool '{data.PoolsById[pool].Code}' on {date} (UTC) {what}.");
                    changes = changes.Add(await writer.ApplyAsync(session, condition, liveFlag, Job, cancellationToken));
                }
            }
        }

        foreach (var participation in chargedParticipations)
        {
            changes = changes.Add(await writer.ApplyAsync(session, await EntitlementAsync(session, participation, data, cancellationToken), Job, cancellationToken));
        }

        return changes;
    }

    private static async Task<FlagCondition> UnmappedAsync(DbSession session, long pool, string account, ReconciliationData data, CancellationToken cancellationToken)
    {
        var total = await session.QuerySingleAsync<UnmappedRow>(UnmappedTotal, new { PoolId = pool, Account = account }, cancellationToken);
        var poolCode = data.PoolsById[pool].Code;
        return new FlagCondition(FlagKinds.UnmappedAccount, $"{FlagKinds.UnmappedAccount}|pool:{pool}|account:{account}", null, pool, null, account,
            total.FirstHour ?? 0, (total.LastHour ?? 0) + 3600, total.Total, FlagWriter.GpuSecondsUnit, null,
            $"Account '{account}' on pool '{poolCode}' reported {Hours(total.Total)} GPU-hours but is mapped to no team: map it with PUT /api/v1/pools/{poolCode}/accounts/{account}.");
    }

    /// <summary>A team's GPU-seconds on a pool for one UTC day by flag kind, from that day's facts and the allocations around it.</summary>
    private static (string Kind, long Amount, string What)[] TeamDay(
        long team, long pool, IEnumerable<HourRow> facts, List<AllocationRow> allocations, ReconciliationData data)
    {
        var breaches = TeamDayUse.Breaches(
            facts.Select(f => new TeamHourUse(f.HourUnix, f.GpuSeconds, data.Charge(team, pool, f.HourUnix, f.GpuSeconds).Kind)),
            [.. allocations.Select(a => new HeldGpus(a.Gpus, a.StartUnix, a.EndUnix))]);
        return
        [
            (FlagKinds.OutsideWindow, breaches.OutsideWindow, "outside every window of its participations"),
            (FlagKinds.AfterEnd, breaches.AfterEnd, "after its participation ended"),
            (FlagKinds.NoAllocation, breaches.NoAllocation, "in hours where it had no allocation on that pool"),
            (FlagKinds.Overuse, breaches.Overuse, "beyond the GPUs allocated to it in those hours"),
        ];
    }

    private static async Task<FlagCondition> EntitlementAsync(DbSession session, long participationId, ReconciliationData data, CancellationToken cancellationToken)
    {
        var participation = await session.QuerySingleAsync<ParticipationRow>(ParticipationForFlag, new { Id = participationId }, cancellationToken);
        var balance = await session.ExecuteScalarAsync<long>(LedgerSql.Balance, new { ParticipationId = participationId, Resource = "gpu" }, cancellationToken);
        var exceeded = participation.Status == "active" && balance < 0 ? -balance : 0;
        var teamCode = data.TeamCodes[participation.TeamId];
        return new FlagCondition(FlagKinds.EntitlementExceeded, $"{FlagKinds.EntitlementExceeded}|participation:{participationId}", participation.TeamId, null,
            participationId, null, participation.WindowStartUnix, participation.WindowEndUnix, exceeded, FlagWriter.MilliEghSecondsUnit, null,
            $"Team '{teamCode}' has used {GpuTime.ToEquivalentGpuHours(exceeded).ToString(CultureInfo.InvariantCulture)} equivalent GPU-hours more than its entitlement in stage '{participation.Stage}'.");
    }

    private static string Hours(long gpuSeconds) => GpuTime.ToGpuHours(gpuSeconds).ToString(CultureInfo.InvariantCulture);

    private sealed class HourRow
    {
        public long HourUnix { get; init; }
        public long GpuSeconds { get; init; }
    }

    private sealed class AllocationRow
    {
        public long Gpus { get; init; }
        public long StartUnix { get; init; }
        public long EndUnix { get; init; }
    }

    private sealed class UnmappedRow
    {
        public long Total { get; init; }
        public long? FirstHour { get; init; }
        public long? LastHour { get; init; }
    }

    private sealed class ParticipationRow
    {
        public long Id { get; init; }
        public long TeamId { get; init; }
        public long WindowStartUnix { get; init; }
        public long WindowEndUnix { get; init; }
        public string Status { get; init; } = string.Empty;
        public string Stage { get; init; } = string.Empty;
    }
}
