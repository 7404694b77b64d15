using NationalAiEval.Api.Idle;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Infrastructure.Programme;
using NationalAiEval.Core.Reports;
using NationalAiEval.Core.Time;
using NodaTime;
using NodaTime.Text;

namespace NationalAiEval.Api.Reports;

/// <summary>
/// Builds the waste report: each month's cells (frozen for a closed month, live for an open one), the adjustments for
/// closed months in the first open month, split by cause when asked, summed by the requested grouping, and turned into
/// figures whose rows add up to the totals.
/// </summary>
public sealed class WasteReportReader(Db db, IClock clock, ProgrammeSettings programme)
{
    public const int MaxMonths = 120;

    public static readonly IReadOnlyList<string> Groupings = ["month", "pool", "provider", "team", "cause"];

    private static readonly string[] CauseNames = ["used", "idle-allocated-unused", "idle-unallocated"];

    private static readonly Sql Closed = Sql.Portable("SELECT period, closed_unix, closed_by_name FROM closed_period ORDER BY period");

    private static readonly Sql FirstLease = Sql.Portable("SELECT MIN(start_unix) FROM lease_line");

    private static readonly Sql Pools = Sql.Portable("SELECT id, code, provider, gpu_model FROM pool");

    private static readonly Sql Teams = Sql.Portable("SELECT id, code, name FROM team");

    private static readonly Sql ComputedUntil = Sql.Portable("SELECT value FROM job_state WHERE name = @Name");

    public async Task<WasteReport> ReadAsync(WasteQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (fromMonth, toMonth, grouping) = query;
        var zone = programme.TimeZone;
        await using var session = await db.ReadAsync(cancellationToken);
        var firstLease = await session.ExecuteScalarAsync<long?>(FirstLease, cancellationToken: cancellationToken);
        var current = ProgrammeMonths.Of(clock.GetCurrentInstant(), zone);
        var start = fromMonth ?? (firstLease is { } f ? ProgrammeMonths.Of(Unix.Instant(f), zone) : current);
        var end = toMonth ?? current;
        if (end.CompareTo(start) < 0)
        {
            throw Problems.Validation("to", $"must not be before from ({ProgrammeMonths.Text(start)}).");
        }

        var months = ProgrammeMonths.Range(start, end).Take(MaxMonths + 1).ToList();
        if (months.Count > MaxMonths)
        {
            throw Problems.Validation("from", $"the range holds more than {MaxMonths} months.");
        }

        var closed = (await session.QueryAsync<ClosedRow>(Closed, cancellationToken: cancellationToken)).ToDictionary(c => c.Period, StringComparer.Ordinal);
        // Months close in order, so the first open month is the one after the last closed.
        var firstOpen = closed.Count == 0 ? (YearMonth?)null : ProgrammeMonths.Next(Month(closed.Keys.Max(StringComparer.Ordinal)!));
        var pools = (await session.QueryAsync<PoolRow>(Pools, cancellationToken: cancellationToken)).ToDictionary(p => p.Id);
        var teams = (await session.QueryAsync<TeamRow>(Teams, cancellationToken: cancellationToken)).ToDictionary(t => t.Id);

        var lines = new List<Line>();
        foreach (var month in months)
        {
            var text = ProgrammeMonths.Text(month);
            if (closed.ContainsKey(text))
            {
                foreach (var (forPeriod, cell) in await WasteCells.FrozenAsync(session, month, cancellationToken))
                {
                    var adjustmentFor = ProgrammeMonths.Text(forPeriod);
                    lines.Add(new Line(text, adjustmentFor == text ? null : adjustmentFor, cell.Labels!, cell.Amounts));
                }

                continue;
            }

            foreach (var cell in await WasteCells.LiveAsync(session, month, zone, cancellationToken))
            {
                lines.Add(new Line(text, null, LabelsOf(cell, pools, teams), cell.Amounts));
            }

            if (firstOpen is { } open && open.Equals(month))
            {
                foreach (var closedMonth in closed.Keys.Order(StringComparer.Ordinal))
                {
                    foreach (var cell in await WasteCells.AdjustmentsAsync(session, Month(closedMonth), zone, cancellationToken))
                    {
                        lines.Add(new Line(text, closedMonth, LabelsOf(cell, pools, teams), cell.Amounts));
                    }
                }
            }
        }

        var allClosed = months.All(m => closed.ContainsKey(ProgrammeMonths.Text(m)));
        var until = allClosed ? null : await session.QuerySingleOrDefaultAsync<long?>(ComputedUntil, new { Name = IdleCalculator.WatermarkName }, cancellationToken);
        var rows = Group(lines, grouping);
        var (figures, total) = WastePresentation.Present([.. rows.Select(r => r.Amounts)]);
        var monthViews = months.Select(m => ProgrammeMonths.Text(m)).Select(m => closed.TryGetValue(m, out var c)
            ? new WasteMonth(m, "closed", Unix.Instant(c.ClosedUnix), c.ClosedByName)
            : new WasteMonth(m, "open", null, null)).ToList();
        return new WasteReport(ProgrammeMonths.Text(start), ProgrammeMonths.Text(end), grouping, zone.Id, "KRW", until is { } u ? Unix.Instant(u) : null,
            monthViews, [.. rows.Select((r, i) => Row(r.Key, figures[i]))], Row(new Key(null, null, null, null, null, null, null, null), total));
    }

    private static CellLabels LabelsOf(WasteCell cell, Dictionary<long, PoolRow> pools, Dictionary<long, TeamRow> teams)
    {
        var pool = pools[cell.PoolId];
        var team = cell.TeamId is { } id ? teams[id] : null;
        return new CellLabels(pool.Code, pool.Provider, pool.GpuModel, team?.Code, team?.Name);
    }

    /// <summary>Sums the lines by the grouping's key (and always by adjustment), in a stable order.</summary>
    private static List<(Key Key, WasteAmounts Amounts)> Group(List<Line> lines, List<string> grouping)
    {
        bool By(string name) => grouping.Contains(name);
        var split = By("cause")
            ? lines.SelectMany(l => Enum.GetValues<WasteCause>().Select(c => (Line: l with { Amounts = l.Amounts.Part(c) }, Cause: (WasteCause?)c)))
                .Where(x => !x.Line.Amounts.IsZero)
            : lines.Select(l => (Line: l, Cause: (WasteCause?)null));
        var sums = new Dictionary<Key, WasteAmounts>();
        foreach (var (line, cause) in split)
        {
            var labels = line.Labels;
            var key = new Key(
                By("month") ? line.Month : null,
                line.AdjustmentFor,
                By("pool") ? labels.PoolCode : null,
                By("pool") || By("provider") ? labels.Provider : null,
                By("pool") ? labels.GpuModel : null,
                By("team") ? labels.TeamCode : null,
                By("team") ? labels.TeamName ?? NoTeam : null,
                cause is { } c ? CauseNames[(int)c] : null);
            sums[key] = sums.GetValueOrDefault(key) + line.Amounts;
        }

        return [.. sums
            .OrderBy(s => s.Key.Month, StringComparer.Ordinal)
            .ThenBy(s => s.Key.AdjustmentFor is null ? 0 : 1).ThenBy(s => s.Key.AdjustmentFor, StringComparer.Ordinal)
            .ThenBy(s => s.Key.Provider, StringComparer.Ordinal)
            .ThenBy(s => s.Key.Pool, StringComparer.Ordinal)
            .ThenBy(s => s.Key.Team is null && s.Key.TeamName is not null ? 1 : 0).ThenBy(s => s.Key.Team, StringComparer.Ordinal)
            .ThenBy(s => s.Key.Cause is null ? -1 : Array.IndexOf(CauseNames, s.Key.Cause))
            .Select(s => (s.Key, s.Value))];
    }

    /// <summary>How a row with no team is named: capacity no team held, and usage of accounts no team is mapped to.</summary>
    public const string NoTeam = "(no team)";

    private static WasteRow Row(Key key, WasteFigures f) => new(
        key.Month, key.AdjustmentFor, key.Pool, key.Provider, key.GpuModel, key.Team, key.TeamName, key.Cause,
        f.LeasedGpuHours, f.AllocatedGpuHours, f.UsedGpuHours, f.IdleUnallocatedGpuHours, f.IdleAllocatedUnusedGpuHours, f.IdleGpuHours,
        f.LowUtilisationGpuHours, f.ExcessGpuHours, f.LeasedKrw, f.UsedKrw, f.IdleUnallocatedKrw, f.IdleAllocatedUnusedKrw, f.IdleKrw, f.LowUtilisationKrw,
        f.LeasedEquivalentGpuHours, f.UsedEquivalentGpuHours, f.IdleUnallocatedEquivalentGpuHours, f.IdleAllocatedUnusedEquivalentGpuHours,
        f.UtilisationPercent);

    private static YearMonth Month(string text) => YearMonthPattern.Iso.Parse(text).GetValueOrThrow();

    private sealed record Line(string Month, string? AdjustmentFor, CellLabels Labels, WasteAmounts Amounts);

    private sealed record Key(
        string? Month, string? AdjustmentFor, string? Pool, string? Provider, string? GpuModel, string? Team, string? TeamName, string? Cause);

    private sealed class ClosedRow
    {
        public string Period { get; init; } = string.Empty;
        public long ClosedUnix { get; init; }
        public string? ClosedByName { get; init; }
    }

    private sealed class PoolRow
    {
        public long Id { get; init; }
        public string Code { get; init; } = string.Empty;
        public string Provider { get; init; } = string.Empty;
        public string GpuModel { get; init; } = string.Empty;
    }

    private sealed class TeamRow
    {
        public long Id { get; init; }
        public string Code { get; init; } = string.Empty;
        public string Name { get; init; } = string.Empty;
    }
}
