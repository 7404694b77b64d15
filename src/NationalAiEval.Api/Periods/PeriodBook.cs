using NationalAiEval.Api.Audit;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Idle;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Infrastructure.Programme;
using NationalAiEval.Api.Reports;
using NationalAiEval.Core.Time;
using NodaTime;
using NodaTime.Text;

namespace NationalAiEval.Api.Periods;

/// <summary>
/// Closes months (api-docs/DEFINITIONS.md#closed-months). Closing freezes the month's cells, and with them the adjustments that have built up
/// for earlier closed months, so that its report never changes again: whatever arrives later for it is reported as an
/// adjustment in the first open month. Months close in order, once each.
/// </summary>
public sealed class PeriodBook(Db db, IClock clock, ProgrammeSettings programme, IdleCalculator idle, AuditLog audit)
{
    private static readonly Sql Closed = Sql.Portable("SELECT id, period, closed_unix, closed_by_name FROM closed_period ORDER BY period");

    private static readonly Sql Page = Sql.FirstRows("id, period, closed_unix, closed_by_name", "FROM closed_period WHERE id > @After ORDER BY id");

    private static readonly Sql AdjustedMonths = Sql.Portable(
        "SELECT DISTINCT period, for_period FROM period_fact WHERE period <> for_period ORDER BY period, for_period");

    private static readonly Sql FirstLease = Sql.Portable("SELECT MIN(start_unix) FROM lease_line");

    private static readonly Sql Insert = Sql.InsertReturningId(
        "closed_period", "period, closed_unix, closed_by_key, closed_by_name", "@Period, @ClosedUnix, @ClosedByKey, @ClosedByName");

    private static readonly Sql PoolLabels = Sql.Portable("SELECT id, code, provider, gpu_model FROM pool");

    private static readonly Sql TeamLabels = Sql.Portable("SELECT id, code, name FROM team");

    private static readonly Sql InsertFact = Sql.Portable("""
        INSERT INTO period_fact (period, for_period, pool_id, team_id, pool_code, pool_provider, gpu_model, team_code, team_name,
            leased_gs, allocated_gs, used_gs, excess_gs, allocated_unused_gs, unallocated_gs, low_util_ugs, leased_num, used_num, allocated_unused_num,
            unallocated_num, low_util_mnum, leased_meg, used_meg, allocated_unused_meg, unallocated_meg)
        VALUES (@Period, @ForPeriod, @PoolId, @TeamId, @PoolCode, @PoolProvider, @GpuModel, @TeamCode, @TeamName,
            @LeasedGs, @AllocatedGs, @UsedGs, @ExcessGs, @AllocatedUnusedGs, @UnallocatedGs, @LowUtilisationUgs, @LeasedNum, @UsedNum, @AllocatedUnusedNum,
            @UnallocatedNum, @LowUtilisationMnum, @LeasedMeg, @UsedMeg, @AllocatedUnusedMeg, @UnallocatedMeg)
        """);

    /// <summary>Reads the <c>period</c> of a route: a month written yyyy-MM.</summary>
    public static YearMonth ParsePeriod(string period)
    {
        var v = new Validator();
        var month = v.QueryMonth(period, "period");
        if (month is null && v.IsValid)
        {
            v.Add("period", "is required: a month written yyyy-MM.");
        }

        v.ThrowIfInvalid();
        return month!.Value;
    }

    public async Task<PeriodView> CloseAsync(YearMonth month, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var period = ProgrammeMonths.Text(month);
        var zone = programme.TimeZone;
        var (_, endUnix) = ProgrammeMonths.Bounds(month, zone);
        var now = clock.GetCurrentInstant();
        if (endUnix > Unix.Seconds(now))
        {
            throw Problems.Conflict("period-not-over", "The month has not ended.",
                $"{period} ends at {Unix.Instant(endUnix)} ({zone.Id} midnight); it can be closed from then on.");
        }

        // The facts of every hour up to now, with every change already recorded, are what the month is closed on.
        await idle.RefreshAsync(cancellationToken);

        await using var session = await db.WriteAsync(cancellationToken);
        await AppLocks.TakeAsync(session, AppLocks.IdleFacts, IdleCalculator.LockWait, cancellationToken);
        var closed = (await session.QueryAsync<ClosedRow>(Closed, cancellationToken: cancellationToken)).ToList();
        if (closed.Any(c => c.Period == period))
        {
            throw Problems.Conflict("period-closed", "The month is already closed.", $"{period} was closed before; a closed month never changes.");
        }

        var firstLease = await session.ExecuteScalarAsync<long?>(FirstLease, cancellationToken: cancellationToken);
        var previous = ProgrammeMonths.Previous(month);
        var previousText = ProgrammeMonths.Text(previous);
        if (firstLease is { } first && previous.CompareTo(ProgrammeMonths.Of(Unix.Instant(first), zone)) >= 0 && closed.All(c => c.Period != previousText))
        {
            throw Problems.Conflict("earlier-period-open", "An earlier month is still open.",
                $"Months close in order: close {previousText} before {period}.");
        }

        var id = await session.QuerySingleAsync<long>(Insert, new
        {
            Period = period,
            ClosedUnix = Unix.Seconds(now),
            ClosedByKey = caller.KeyId,
            ClosedByName = caller.KeyName,
        }, cancellationToken);
        var labels = new Labels(
            (await session.QueryAsync<PoolLabel>(PoolLabels, cancellationToken: cancellationToken)).ToDictionary(p => p.Id),
            (await session.QueryAsync<TeamLabel>(TeamLabels, cancellationToken: cancellationToken)).ToDictionary(t => t.Id));
        var own = await WasteCells.LiveAsync(session, month, zone, cancellationToken);
        await FreezeAsync(session, period, period, own, labels, cancellationToken);
        var adjusted = new List<string>();
        foreach (var earlier in closed)
        {
            var forMonth = YearMonthPattern.Iso.Parse(earlier.Period).GetValueOrThrow();
            var adjustments = await WasteCells.AdjustmentsAsync(session, forMonth, zone, cancellationToken);
            if (adjustments.Count > 0)
            {
                await FreezeAsync(session, period, earlier.Period, adjustments, labels, cancellationToken);
                adjusted.Add(earlier.Period);
            }
        }

        var view = new PeriodView(id, period, Unix.Instant(Unix.Seconds(now)), caller.KeyName, adjusted, []);
        await audit.WriteAsync(session, caller, "period.close", "period", period, null, new { view, cells = own.Count }, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return view;
    }

    public async Task<Page<PeriodView>> ListAsync(PageRequest page, CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        var rows = (await session.QueryAsync<ClosedRow>(Page, new { page.After, page.Take }, cancellationToken)).ToList();
        var adjusted = (await session.QueryAsync<(string Period, string ForPeriod)>(AdjustedMonths, cancellationToken: cancellationToken))
            .ToList();
        var carries = adjusted.ToLookup(a => a.Period, a => a.ForPeriod, StringComparer.Ordinal);
        var carriedIn = adjusted.ToLookup(a => a.ForPeriod, a => a.Period, StringComparer.Ordinal);
        return page.Cut(rows, r => r.Id, r => new PeriodView(r.Id, r.Period, Unix.Instant(r.ClosedUnix), r.ClosedByName, [.. carries[r.Period]], [.. carriedIn[r.Period]]));
    }

    private static async Task FreezeAsync(
        DbSession session, string period, string forPeriod, List<WasteCell> cells, Labels labels, CancellationToken cancellationToken)
    {
        foreach (var cell in cells)
        {
            var pool = labels.Pools[cell.PoolId];
            var team = cell.TeamId is { } teamId ? labels.Teams[teamId] : null;
            var a = cell.Amounts;
            await session.ExecuteAsync(InsertFact, new
            {
                Period = period,
                ForPeriod = forPeriod,
                cell.PoolId,
                cell.TeamId,
                PoolCode = pool.Code,
                PoolProvider = pool.Provider,
                pool.GpuModel,
                TeamCode = team?.Code,
                TeamName = team?.Name,
                a.LeasedGs,
                a.AllocatedGs,
                a.UsedGs,
                a.ExcessGs,
                a.AllocatedUnusedGs,
                a.UnallocatedGs,
                a.LowUtilisationUgs,
                a.LeasedNum,
                a.UsedNum,
                a.AllocatedUnusedNum,
                a.UnallocatedNum,
                a.LowUtilisationMnum,
                a.LeasedMeg,
                a.UsedMeg,
                a.AllocatedUnusedMeg,
                a.UnallocatedMeg,
            }, cancellationToken);
        }
    }

    private sealed class ClosedRow
    {
        public long Id { get; init; }
        public string Period { get; init; } = string.Empty;
        public long ClosedUnix { get; init; }
        public string? ClosedByName { get; init; }
    }

    private sealed record Labels(Dictionary<long, PoolLabel> Pools, Dictionary<long, TeamLabel> Teams);

    private sealed class PoolLabel
    {
        public long Id { get; init; }
        public string Code { get; init; } = string.Empty;
        public string Provider { get; init; } = string.Empty;
        public string GpuModel { get; init; } = string.Empty;
    }

    private sealed class TeamLabel
    {
        public long Id { get; init; }
        public string Code { get; init; } = string.Empty;
        public string Name { get; init; } = string.Empty;
    }
}
